"""Reads that a cancelled request cannot interrupt halfway.

The request timeout cancels every field still running (and graphql-core on its own would
cancel the fields beside a failed one: schema/field_gathering.py stops that). A task cancelled
while it holds a pooled connection (in the middle of a checkout, a query or the rollback that
returns it) can leave that connection checked out and inside its transaction: on PostgreSQL
it keeps its locks until the garbage collector happens to close it, and a TRUNCATE, a
migration or a publish waits on it. So every read runs in a task of its own that the caller's
cancellation does not reach: the read finishes and returns its connection, and its answer is
dropped if nobody waits for it any more.

A request settles its reads before it answers (`RequestReads.settle`), so that no read of a
request outlives it, except after a timeout, where answering in time matters more."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store import thread_reads

T = TypeVar("T")

# The event loop keeps only weak references to tasks: these must live until they finish.
_running: set[asyncio.Task[object]] = set()
# The reads of the request being executed; tasks started for it inherit the variable.
_request_reads: ContextVar[set[asyncio.Task[object]] | None] = ContextVar(
    "request_reads", default=None
)


def _finished(task: asyncio.Task[object]) -> None:
    _running.discard(task)
    # Nobody may be waiting any more: fetch the outcome so that asyncio does not log
    # "exception was never retrieved" for a read whose field was cancelled.
    if not task.cancelled():
        task.exception()


async def read(
    engine: AsyncEngine,
    query: Callable[[AsyncConnection], Awaitable[T]],
    *,
    expected_rows: int | None = None,
    one_snapshot: bool = True,
) -> T:
    """`query` over a connection of its own, returned to the pool whatever the caller does.

    `expected_rows` is the caller's bound on the rows the read returns, when its keys and
    filters give one: a small enough SQLite read runs at once on this thread
    (store/thread_reads.py), where no cancellation can reach it halfway.

    Without `one_snapshot` (a read of one statement, or of statements that need not agree),
    PostgreSQL runs it in autocommit: no BEGIN and ROLLBACK around it, one round trip to the
    server instead of three. The pool sets the connection back to its default on return."""

    companion = thread_reads.companion_for(engine)
    if companion is not None and thread_reads.runs_inline(expected_rows):
        return thread_reads.run(companion, query)

    async def run() -> T:
        if companion is not None:  # SQLite: the whole read in one hop to a worker thread
            return await thread_reads.in_worker_thread(companion, query)
        async with engine.connect() as connection:
            if not one_snapshot:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
            return await query(connection)

    task: asyncio.Task[T] = asyncio.ensure_future(run())
    _running.add(task)
    task.add_done_callback(_finished)
    request_reads = _request_reads.get()
    if request_reads is not None:
        request_reads.add(task)
    return await asyncio.shield(task)


async def settle_all() -> None:
    """Wait for every read still running, whichever request started it (a server shutting
    down, before it disposes of its engine)."""
    while pending := [task for task in _running if not task.done()]:
        await asyncio.wait(pending)


class RequestReads:
    """The reads started while `tracking()` is active, whichever task started them."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    @contextlib.contextmanager
    def tracking(self) -> Iterator[None]:
        token = _request_reads.set(self._tasks)
        try:
            yield
        finally:
            _request_reads.reset(token)

    async def settle(self) -> None:
        """Wait until every read of the request has given its connection back."""
        while pending := [task for task in self._tasks if not task.done()]:
            await asyncio.wait(pending)
