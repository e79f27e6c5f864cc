"""How many publishes of one engine run at once (PostgreSQL): at most half its pool.

A PostgreSQL publish holds one pooled connection for its whole run, with its month's lock
during its reads and its write, and under that lock reads the month on a SECOND pooled
connection, in one snapshot taken after the lock (store/one_snapshot.py). With a pool of N
connections and N publishes at once, each held one and waited for another that none would give
back: all of them failed on the pool's timeout. A publish that takes its turn here before its
first connection needs two at most, so `publishes_at_once` of them never need more than the
pool has: each gets both and finishes, and the others wait for a turn, not for the pool.

The limit costs nothing a process could use: a publish computes on the event loop
(`_plan` in store/jobs/publish.py is synchronous), so publishes of one process never compute
side by side; beside each other they only wait on the database.

A pool of one connection cannot give even one publish its two: there the publish reads on the
connection it holds (`reads_beside`), and takes its turn alone."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import connections_at_most

# Pooled connections a PostgreSQL publish holds at most: its own, and its snapshot's.
CONNECTIONS_A_PUBLISH = 2

# Each engine's turns, with the event loop they are for: an asyncio.Semaphore belongs to the
# loop it first waited on, and a command may run one engine in more than one loop.
_turns: weakref.WeakKeyDictionary[
    AsyncEngine, tuple[asyncio.AbstractEventLoop, asyncio.Semaphore]
] = weakref.WeakKeyDictionary()


def publishes_at_once(engine: AsyncEngine) -> int | None:
    """How many publishes of `engine` may run at once; None when no limit is needed (SQLite's
    publish holds one connection; a pool without a bound never runs out). A pool of one
    connection gets one turn: its publish reads on the connection it holds
    (`reads_beside`)."""
    if engine.dialect.name != "postgresql":
        return None
    most = connections_at_most(engine)
    if most is None:
        return None
    return max(1, most // CONNECTIONS_A_PUBLISH)


def reads_beside(engine: AsyncEngine) -> bool:
    """Whether a publish of `engine` takes a second connection to read in one snapshot
    (store/one_snapshot.py): not on PostgreSQL when the pool holds a single connection, where it
    would wait for the one it holds (the publish then reads on that one, see store/jobs/publish.py);
    True on SQLite, whose snapshot is the connection itself whatever the pool."""
    if engine.dialect.name != "postgresql":
        return True
    most = connections_at_most(engine)
    return most is None or most >= CONNECTIONS_A_PUBLISH


@asynccontextmanager
async def publish_turn(engine: AsyncEngine) -> AsyncIterator[None]:
    """Wait until fewer than `publishes_at_once(engine)` publishes run, then run (see module).
    Take it before the publish's first connection."""
    at_once = publishes_at_once(engine)
    if at_once is None:
        yield
        return
    loop = asyncio.get_running_loop()
    found = _turns.get(engine)
    if found is None or found[0] is not loop:
        found = _turns[engine] = (loop, asyncio.Semaphore(at_once))
    async with found[1]:
        yield
