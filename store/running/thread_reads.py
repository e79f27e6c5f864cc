"""SQLite reads in one hop to a worker thread, instead of one hop per driver call.

aiosqlite runs every call of the driver (open a cursor, execute, fetch, close, roll back) in its
thread and wakes the event loop for each: a read in a request cost about 0.4 ms, most of it
those hops. SQLite is a library in this process, so a read can as well run whole in a worker
thread, on a plain pysqlite connection of a companion engine over the same file: one hop, about
0.16 ms (docs/performance.md has the figures). Writes keep the async
engine; the companion only reads, and a read that asks for one snapshot runs in a transaction
of its own.

The read functions of the store are written against AsyncConnection and only ever await
`connection.execute(...)` or `connection.exec_driver_sql(...)`. Over a sync connection these
calls complete at once, so the read's coroutine runs to its end in a single step, driven here
without an event loop.

A read of a few rows (an account by id, one month of an entity's metrics) runs on the event
loop's own thread instead: the hop to a worker thread and back, with its two wake-ups and the
GIL changing hands, costs more than such a read (a small request took about a fifth less time
without it: docs/performance.md). The Python work of a read holds the GIL wherever it runs, so the
loop loses nothing it would have had; only SQLite's own work, which releases the GIL, no longer
runs beside it, and for a few rows that is a few microseconds. In WAL mode a reader does not
wait for a writer, so such a read does not block on locks. Reads of unknown or large size
keep the worker thread, where the loop gets its turn while SQLite works.

The reads go straight to a `sqlite3` connection that each thread keeps (sqlite_connection.py):
checking a connection out of the companion's pool and back, and SQLAlchemy's result objects,
cost a small read more than SQLite's own work. `plain_driver=False` runs them through
SQLAlchemy's sync Connection instead, the standard path the differential tests compare with.

A read in a worker thread runs whole with the cyclic collector paused (gc_pause.py): it is a
read of many rows or of unknown size, and the driver's rows, what the read builds of them and
what it throws away are all made in one synchronous stretch. Paused only for the fetch and
for the conversion apart, the collector ran between the two, over every row the driver gave,
still alive; paused for the whole read, it finds at its next run only what the read returns
(the 12,000-row read of the peer benchmark's large query: three collections a request down to
two, and most of their CPU: docs/performance.md)."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import sqlite3
import threading
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from types import CoroutineType
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Dialect, Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection

from store.engine import sqlite_pragmas
from store.running.gc_pause import collection_paused
from store.running.sqlite_connection import SQLiteConnection

T = TypeVar("T")

# Reads expected to return at most this many rows run on the event loop's thread: about a
# millisecond of work at most on this project's reference machine (2 cores).
INLINE_ROWS = 200

_companions: weakref.WeakKeyDictionary[AsyncEngine, Engine | None] = weakref.WeakKeyDictionary()


def companion_for(engine: AsyncEngine) -> Engine | None:
    """The pysqlite engine over the same SQLite file; None for other databases (and for an
    in-memory SQLite database, which another connection would not see)."""
    if engine in _companions:
        return _companions[engine]
    companion: Engine | None = None
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        companion = create_sync_engine(
            url.set(drivername="sqlite+pysqlite"),
            # Connections move between the worker threads, one thread at a time.
            connect_args={"check_same_thread": False},
        )
        event.listen(companion, "connect", sqlite_pragmas)
        # Whoever counts statements (/metrics, the tests) listens on the async engine: its
        # listeners, as they are when a statement runs, hear the companion's statements too.
        listened = engine.sync_engine.dispatch

        def forward(*arguments: Any) -> None:
            listened.before_cursor_execute(*arguments)

        event.listen(companion, "before_cursor_execute", forward)
        # The threads' own sqlite3 connections announce their statements to these listeners
        # directly: through the companion's they took two dispatches and `forward` a statement.
        _announced_to[companion] = listened
        # Disposing of the async engine disposes of its companion too, and of the
        # connections its threads keep.
        event.listen(engine.sync_engine, "engine_disposed", lambda _engine: companion.dispose())
        event.listen(companion, "engine_disposed", _close_kept_connections)
    _companions[engine] = companion
    return companion


# Per companion engine, the statement events of the async engine it reads for.
_announced_to: weakref.WeakKeyDictionary[Engine, Any] = weakref.WeakKeyDictionary()

_readers: ThreadPoolExecutor | None = None


async def in_worker_thread(
    companion: Engine,
    query: Callable[[AsyncConnection], Awaitable[T]],
    *,
    plain_driver: bool = True,
    one_snapshot: bool = False,
) -> T:
    """`run` in one of the process's reader threads, with the caller's context (statements
    are counted per request).

    The readers are as many as the cores, not asyncio's default of cores + 4: the Python part
    of a read holds the GIL, and more threads than cores only take it from each other and from
    the event loop (four concurrent 1,200-row requests: about a third more throughput with two
    readers than with six: docs/performance.md)."""
    global _readers
    if _readers is None:  # made on first use, in the process that serves (not before a fork)
        _readers = ThreadPoolExecutor(
            max_workers=os.cpu_count() or 1, thread_name_prefix="sqlite-reader"
        )
    context = contextvars.copy_context()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        _readers,
        context.run,
        functools.partial(_run_paused, plain_driver=plain_driver, one_snapshot=one_snapshot),
        companion,
        query,
    )


def _run_paused(
    companion: Engine,
    query: Callable[[AsyncConnection], Awaitable[T]],
    *,
    plain_driver: bool,
    one_snapshot: bool,
) -> T:
    """`run`, the collector paused for the whole read (see the module)."""
    with collection_paused():
        return run(companion, query, plain_driver=plain_driver, one_snapshot=one_snapshot)


def runs_inline(expected_rows: int | None) -> bool:
    """Whether a read with this bound on its rows runs on the calling (event loop) thread."""
    return expected_rows is not None and expected_rows <= INLINE_ROWS


class _Immediate:
    """Enough of AsyncConnection for the store's reads, over a sync connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> Dialect:
        return self._connection.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        return self._connection.execute(statement, parameters)

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> Any:
        return self._connection.exec_driver_sql(statement, parameters)


# Per companion engine, the sqlite3 connection each (process, thread) keeps: taken from the
# companion's pool once and detached from it, closed when the companion is disposed of.
_kept: weakref.WeakKeyDictionary[
    Engine, dict[tuple[int, int], tuple[PoolProxiedConnection, SQLiteConnection]]
] = weakref.WeakKeyDictionary()
_kept_lock = threading.Lock()


def kept_connection(companion: Engine) -> SQLiteConnection:
    """The calling thread's own sqlite3 connection over the companion's file, wrapped (a
    caller may keep it for this process and thread while it is not `closed`)."""
    key = (os.getpid(), threading.get_ident())  # a forked process opens its own
    with _kept_lock:
        connections = _kept.setdefault(companion, {})
        kept = connections.get(key)
    if kept is None:
        # Through the pool once, so that the connect events (the pragmas) run as for any other.
        proxied = companion.raw_connection()
        proxied.detach()
        raw = cast(sqlite3.Connection, proxied.dbapi_connection)
        kept = (
            proxied,
            SQLiteConnection(raw, companion, _announced_to.get(companion, companion.dispatch)),
        )
        with _kept_lock:
            connections[key] = kept
    return kept[1]


def _close_kept_connections(companion: Engine) -> None:
    with _kept_lock:
        connections = _kept.pop(companion, {})
    for key, (proxied, wrapped) in connections.items():
        wrapped.closed = True
        if key[0] == os.getpid():  # another process's copy is that process's to close
            proxied.close()


def kept_connections(companion: Engine) -> int:
    """How many sqlite3 connections the threads keep over the companion's file."""
    with _kept_lock:
        return len(_kept.get(companion, {}))


def run(
    companion: Engine,
    query: Callable[[AsyncConnection], Awaitable[T]],
    *,
    plain_driver: bool = True,
    one_snapshot: bool = False,
) -> T:
    """`query` on a connection over `companion`'s file, in the calling thread: the thread's own
    sqlite3 connection, or with `plain_driver=False` one of the companion's pool.

    pysqlite opens no transaction for a SELECT, so each statement would see the latest commit:
    with `one_snapshot` the read runs in a transaction of its own (BEGIN, then a rollback), in
    which WAL mode keeps the snapshot of its first statement for the others."""
    if not plain_driver:
        with companion.connect() as connection:
            if one_snapshot:
                connection.exec_driver_sql("BEGIN")
            return _drive(query(cast(AsyncConnection, _Immediate(connection))))
    return run_on(kept_connection(companion), query, one_snapshot=one_snapshot)


def run_on(
    connection: SQLiteConnection,
    query: Callable[..., Awaitable[T]],
    *arguments: Any,
    one_snapshot: bool = False,
) -> T:
    """`run` on the calling thread's kept connection (`kept_connection`): `query(connection,
    *arguments)`."""
    raw = connection.driver_connection
    try:
        if one_snapshot:
            raw.execute("BEGIN")
        return _drive(query(connection, *arguments))
    finally:
        # The read's own transaction, or one a failed statement left: no snapshot is held.
        if raw.in_transaction:
            raw.rollback()


# This process's id, kept up to date across forks: a thread's kept connection is looked up
# by it at each inline read, where `os.getpid()` is a system call each time.
process_id = os.getpid()


def _forked() -> None:
    global process_id
    process_id = os.getpid()


os.register_at_fork(after_in_child=_forked)


def _drive(step: Awaitable[T]) -> T:
    if not isinstance(step, CoroutineType):
        raise TypeError(f"a read must be a coroutine, got {type(step).__name__}")
    try:
        step.send(None)
    except StopIteration as finished:
        value: T = finished.value  # (not typing.cast: a call of Python, every read)
        return value
    step.close()
    raise RuntimeError("a read awaited something other than connection.execute")
