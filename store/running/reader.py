"""How a request's reads run: one small interface, a form per kind of database.

Everything above the store reads through a `Reader`: `await reader.read(query, rows_at_most=N,
one_snapshot=False)`, where `query` is a read function of `store.reads` bound to its arguments
and `rows_at_most` is the bound its keys and filters give on the rows it returns (when they give
one). The reader decides where the read runs; callers never do:

- `SQLiteReader` (a SQLite file): a read bounded to a few rows runs at once on the event loop's
  thread; any other read runs whole in one of the reader threads, on a `sqlite3` connection
  over the same file that the thread keeps, its statements sent to the driver without
  SQLAlchemy's Connection (thread_reads.py, sqlite_connection.py; with `driver_reads=False`,
  through SQLAlchemy's sync Connection). The figures behind both: docs/performance.md.
- `DriverReader` (PostgreSQL): an asyncpg connection of a pool of the engine's own
  (driver_pool.py, read_pool.py), the read's statements sent to asyncpg without SQLAlchemy's
  greenlet bridge (driver_connection.py). A read that need not see one snapshot
  (`one_snapshot=False`: one statement, or statements that need not agree) runs in autocommit,
  one round trip; the others in one read-only REPEATABLE READ transaction, so that their
  statements do see one snapshot.
- `AsyncEngineReader` (an in-memory SQLite database that another connection could not see, and
  PostgreSQL with `driver_reads=False`, the standard path the differential tests compare
  with): a pooled connection of the engine, in autocommit when one snapshot is not needed.

Every read that leaves the calling thread runs shielded from the caller's cancellation, so it
always gives its connection back (shielded.py; docs/cancellation.md).

`await reader.read_keys(share, keys, query)` reads the rows of some keys in one statement; on
a reader that shares statements (`DriverReader`, or any with `share_statements()`), the keys of
the requests that ask for the same `share` in one loop turn are read in one statement
(shared_reads.py)."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.running import driver_pool, shielded, thread_reads
from store.running.driver_connection import DriverConnection
from store.running.shared_reads import TurnShares
from store.running.sqlite_connection import SQLiteConnection

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Query = Callable[[AsyncConnection], Awaitable[T]]
# A read of some keys' rows in one statement, answering each key found.
KeysQuery = Callable[[AsyncConnection, Sequence[K]], Awaitable[Mapping[K, V]]]
# The same read as a plain function over a kept sqlite3 connection (`Reader.read_keys_now`).
KeysQueryNow = Callable[[SQLiteConnection, Sequence[K]], Mapping[K, V]]
RowsOfKeys = Callable[[int], int | None]


class Reader(ABC):
    """Runs the store's read functions for the server: where, is the reader's to decide."""

    # Whether a bound on a read's rows can change where it runs: when not, `read_keys` does
    # not compute it (a few Python calls a read). Only SQLite's reader runs reads inline.
    bounds_rows = False

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # The statements this reader shares between requests (None: each reads alone).
        self.shares: TurnShares | None = None

    def share_statements(self) -> None:
        """Share `read_keys`' statements between the requests of a loop turn from now on."""
        self.shares = self.shares or TurnShares()

    def read_keys(
        self,
        share: Hashable,
        keys: Sequence[K],
        query: KeysQuery[K, V],
        *,
        rows_at_most: RowsOfKeys | None = None,
    ) -> Awaitable[Mapping[K, V]]:
        """`query(connection, keys)`, one statement, run as `read` runs it without one snapshot.

        `share` must hold everything its answer for a key depends on besides the keys (the
        scope, the filter): the requests that give the same `share` in one loop turn may be
        answered from one statement for all their keys, each getting only its own keys' rows.
        `rows_at_most(n)` bounds the rows of `n` keys. (A function that returns the read's
        coroutine, not one itself: a frame fewer to resume at every turn the read waits.)"""
        shares = self.shares
        if not self.bounds_rows:
            rows_at_most = None
        if shares is None or not shares.worth_waiting():
            return self.read(
                lambda connection: query(connection, keys),
                rows_at_most=None if rows_at_most is None else rows_at_most(len(keys)),
                one_snapshot=False,
            )

        def alone(some: Sequence[K]) -> Awaitable[Mapping[K, V]]:
            return self.read(
                lambda connection: query(connection, some),
                rows_at_most=None if rows_at_most is None else rows_at_most(len(some)),
                one_snapshot=False,
            )

        return shares.read(share, keys, alone)

    def read_keys_now(
        self, keys: Sequence[K], query: KeysQueryNow[K, V], *, rows_at_most: int | None
    ) -> Mapping[K, V] | None:
        """`query(connection, keys)` run now, on the calling thread, when `read_keys` would run
        it inline (`rows_at_most`: the bound of these keys' rows): `query` is the plain-call
        form of the read `read_keys` would run, over the kept sqlite3 connection. None when it
        would not run inline (nothing is read: the caller reads as usual). Only SQLite's reader
        runs reads inline."""
        return None

    async def read(
        self, query: Query[T], *, rows_at_most: int | None = None, one_snapshot: bool = True
    ) -> T:
        """`query` over a connection of its own, returned whatever the caller does.

        `rows_at_most` is the caller's bound on the rows the read returns, when its keys and
        filters give one. Without `one_snapshot` the read's statements need not see one
        snapshot of the database."""
        if self._runs_inline(rows_at_most):
            return self._run_inline(query, one_snapshot=one_snapshot)
        return await shielded.shield(self._run(query, one_snapshot=one_snapshot))

    def runs_inline(self, rows_at_most: int | None) -> bool:
        """Whether `read` runs a read of at most that many rows at once, on the calling thread,
        without waiting for anything (so that nothing can cancel it halfway)."""
        return self._runs_inline(rows_at_most)

    def _runs_inline(self, rows_at_most: int | None) -> bool:
        return False

    def _run_inline(self, query: Query[T], *, one_snapshot: bool) -> T:
        raise NotImplementedError

    @abstractmethod
    async def _run(self, query: Query[T], *, one_snapshot: bool) -> T: ...


class SQLiteReader(Reader):
    bounds_rows = True

    def __init__(self, engine: AsyncEngine, companion: Engine, *, plain_driver: bool) -> None:
        super().__init__(engine)
        self._companion = companion
        self._plain_driver = plain_driver
        # The kept connection of the thread that last read inline, with that process and
        # thread: a server's reader reads inline on its event loop's thread only, and finds it
        # here without the lock and the dictionaries of every thread's connections.
        self._inline: tuple[int, int, SQLiteConnection] | None = None

    def _runs_inline(self, rows_at_most: int | None) -> bool:
        return rows_at_most is not None and rows_at_most <= thread_reads.INLINE_ROWS

    def read_keys(
        self,
        share: Hashable,
        keys: Sequence[K],
        query: KeysQuery[K, V],
        *,
        rows_at_most: RowsOfKeys | None = None,
    ) -> Awaitable[Mapping[K, V]]:
        if self.shares is not None:
            return super().read_keys(share, keys, query, rows_at_most=rows_at_most)
        bound = None if rows_at_most is None else rows_at_most(len(keys))
        if self._plain_driver and self._runs_inline(bound):
            # A read of a few rows on the plain driver (the small query's one key): one
            # coroutine that runs it on the kept connection, where `read`, its inline checks
            # and a closure over the keys took five frames. The same connection, statement and
            # answer; nothing awaits inside, as in `_run_inline`.
            return self._keys_inline(query, keys)
        # As `Reader.read_keys` without shares.
        return self.read(
            lambda connection: query(connection, keys), rows_at_most=bound, one_snapshot=False
        )

    def read_keys_now(
        self, keys: Sequence[K], query: KeysQueryNow[K, V], *, rows_at_most: int | None
    ) -> Mapping[K, V] | None:
        # What `read_keys` runs through `_keys_inline`, the same connection and statement,
        # without a coroutine (a compiled request's read: schema/execution/account_rows.py).
        if (
            self.shares is not None
            or not self._plain_driver
            or rows_at_most is None
            or rows_at_most > thread_reads.INLINE_ROWS
        ):
            return None
        # A plain function reading on the calling thread's kept connection, without a
        # coroutine: `thread_reads.run_on` for a read of one statement that needs no snapshot
        # of its own (written here, not called: a Python call fewer every such read).
        connection = self._kept_inline()
        try:
            return query(connection, keys)
        finally:
            # A transaction a failed statement left: no snapshot is held.
            raw = connection.driver_connection
            if raw.in_transaction:
                raw.rollback()

    async def _keys_inline(self, query: KeysQuery[K, V], keys: Sequence[K]) -> Mapping[K, V]:
        return thread_reads.run_on(self._kept_inline(), query, keys)

    def _run_inline(self, query: Query[T], *, one_snapshot: bool) -> T:
        # Nothing awaits inside: no cancellation can reach such a read halfway.
        if not self._plain_driver:
            return thread_reads.run(
                self._companion, query, plain_driver=False, one_snapshot=one_snapshot
            )
        return thread_reads.run_on(self._kept_inline(), query, one_snapshot=one_snapshot)

    def _kept_inline(self) -> SQLiteConnection:
        """The kept connection of the calling thread, for a read on it."""
        inline = self._inline
        pid, thread = thread_reads.process_id, threading.get_ident()
        if inline is None or inline[2].closed or inline[0] != pid or inline[1] != thread:
            inline = self._inline = (pid, thread, thread_reads.kept_connection(self._companion))
        return inline[2]

    async def _run(self, query: Query[T], *, one_snapshot: bool) -> T:
        return await thread_reads.in_worker_thread(
            self._companion, query, plain_driver=self._plain_driver, one_snapshot=one_snapshot
        )


class AsyncEngineReader(Reader):
    async def _run(self, query: Query[T], *, one_snapshot: bool) -> T:
        async with self.engine.connect() as connection:
            if not one_snapshot:
                # The pool sets the connection back to its default isolation on return.
                await connection.execution_options(isolation_level="AUTOCOMMIT")
            return await query(connection)


class DriverReader(Reader):
    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._dialect = engine.dialect
        # A statement's own client cost is about its ten rows' (shared_reads.py): shared.
        self.share_statements()

    def _run(self, query: Query[T], *, one_snapshot: bool) -> Coroutine[Any, Any, T]:
        engine, dialect = self.engine, self._dialect

        async def on(raw: Any) -> T:
            connection = cast(AsyncConnection, DriverConnection(raw, engine, dialect))
            if not one_snapshot:
                return await query(connection)
            async with raw.transaction(isolation="repeatable_read", readonly=True):
                return await query(connection)

        # The pool's own coroutine, not one around it: a coroutine fewer per read.
        return driver_pool.using_connection(engine, on)


def reader_for(engine: AsyncEngine, *, driver_reads: bool = True) -> Reader:
    """A reader over the engine (cheap: the SQLite companion and the PostgreSQL pool are made
    once per engine). `driver_reads=False` keeps the reads on SQLAlchemy's engine (PostgreSQL)
    or Connection (SQLite).
    `close_readers(engine)` closes what the readers of an engine opened."""
    companion = thread_reads.companion_for(engine)
    if companion is not None:
        return SQLiteReader(engine, companion, plain_driver=driver_reads)
    if driver_reads and engine.dialect.name == "postgresql":
        return DriverReader(engine)
    return AsyncEngineReader(engine)


async def close_readers(engine: AsyncEngine) -> None:
    """Close the connections the engine's readers keep of their own (a server shutting down,
    after its reads have settled and before it disposes of the engine)."""
    await driver_pool.close_pool(engine)
