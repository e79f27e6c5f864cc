"""Enough of SQLAlchemy's AsyncConnection for the store's reads, over a plain `sqlite3`
connection: the SQLite counterpart of driver_connection.py.

Run through SQLAlchemy's sync Connection, a read of a few rows spent more on the connection's
check-out and return and on building a CursorResult than SQLite took to run it
(docs/performance.md). Here each reader thread, and the event loop's thread for its inline
reads, keeps one `sqlite3` connection of its own (thread_reads.py), and the statements go
straight to its cursor. Values are converted by the processors SQLAlchemy would apply: pysqlite
names no column types in a cursor's description, so Core chooses each processor from the
column's type alone, as here (tests/store/running/test_sqlite_reads.py compares both paths).

Statement events still fire: every statement is announced to the engine's
`before_cursor_execute` listeners, so that /metrics and the tests go on counting them. The
driver's errors are raised as SQLAlchemy raises them (a DBAPIError of the same class).

Every method is a coroutine that never suspends: a read's coroutine runs to its end in one
step (thread_reads.run); `rows_now` is the same read as a plain call, for a read run inline
without a coroutine (Reader.read_keys_now).

Statements run on one cursor the connection keeps, as a plain driver loop would: the
connection's `execute` makes a cursor and drops it at every statement. Every statement's rows
are fetched whole before the next runs, so one cursor serves them all."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Dialect, Engine
from sqlalchemy.engine.result import Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ClauseElement

from store.running.core_statements import expand
from store.running.gc_pause import PAUSE_FROM_ROWS, collection_paused


class SQLiteConnection:
    """A `sqlite3` connection of the reader's own over the file of the companion engine
    `companion`, its statements announced to `announced_to` (the async engine's statement
    events; by default the companion's, which forward to them)."""

    def __init__(
        self, connection: sqlite3.Connection, companion: Engine, announced_to: Any = None
    ) -> None:
        self._connection = connection
        # The driver's connection (an attribute, not a property: read at every inline read).
        self.driver_connection = connection
        # The statement events each statement is announced to: the async engine's, whose
        # listeners (/metrics, the tests) the companion's own forward to (thread_reads.py).
        self._announced_to = companion.dispatch if announced_to is None else announced_to
        self.dialect: Dialect = companion.dialect
        # Set when the companion is disposed of and the connection closed (thread_reads.py).
        self.closed = False
        self._cursor = connection.cursor()

    async def fetch(self, sql: str, arguments: Sequence[Any]) -> list[Any]:
        """The driver's rows (tuples) of one statement."""
        return self._run(sql, arguments)[0]

    def rows_now(self, sql: str, arguments: tuple[Any, ...]) -> list[Any]:
        """`fetch` as a plain call, for a read of a few rows (at most `INLINE_ROWS` of
        thread_reads.py, under PAUSE_FROM_ROWS: no pause of the collector to consider)."""
        # Announced without asking first whether anyone listens: a server always has its
        # /metrics listener, and the question (the listeners' `__bool__`) is one more Python
        # call a read; with none, the call runs an empty loop.
        self._announced_to.before_cursor_execute(None, None, sql, arguments, None, False)
        try:
            return self._cursor.execute(sql, arguments).fetchall()
        except self.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                sql, arguments, error, self.dialect.loaded_dbapi.Error, dialect=self.dialect
            ) from error

    async def column_types(self, sql: str) -> None:
        """None: pysqlite names no column types, and Core chooses its processors without."""
        return

    async def execute(
        self, statement: ClauseElement, parameters: Mapping[str, Any] | None = None
    ) -> Result[Any]:
        """A Core statement's rows as SQLAlchemy's Result, values converted as Core converts
        them. Compiled at each call, as DriverConnection.execute (the reads every request
        makes are DriverSelects, compiled once)."""
        expanded = expand(statement, self.dialect, parameters)
        rows, description = self._run(expanded.sql, expanded.arguments)
        # sqlite3 names no column types: Core chooses by the column's type alone.
        processors = expanded.processors(self.dialect, [None] * len(expanded.columns))
        return expanded.result(rows, processors, [entry[0] for entry in description or ()])

    async def scalar(
        self, statement: ClauseElement, parameters: Mapping[str, Any] | None = None
    ) -> Any:
        """The first column of the first row, or None (as AsyncConnection.scalar)."""
        return (await self.execute(statement, parameters)).scalar()

    def _run(self, sql: str, arguments: Sequence[Any]) -> tuple[list[Any], Any]:
        """The statement's rows and its cursor's description."""
        arguments = tuple(arguments)
        dispatch = self._announced_to
        if dispatch.before_cursor_execute:
            # What the engine's own event passes (connection, cursor, statement, parameters,
            # context, executemany); there is no SQLAlchemy connection or context here.
            dispatch.before_cursor_execute(None, None, sql, arguments, None, False)
        try:
            # SQLite steps through the rows as they are fetched: errors may come from either.
            cursor = self._cursor.execute(sql, arguments)
            rows = cursor.fetchmany(PAUSE_FROM_ROWS)
            if len(rows) == PAUSE_FROM_ROWS:  # a read of many rows: gc_pause.py says why
                with collection_paused():
                    rows += cursor.fetchall()
            return rows, cursor.description
        except self.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                sql, arguments, error, self.dialect.loaded_dbapi.Error, dialect=self.dialect
            ) from error
