"""Enough of SQLAlchemy's AsyncConnection for the store's reads, over an asyncpg connection.

The read functions of `store.reads` take a connection and await `execute(statement, params)`
or, through a DriverSelect, the rows of SQL compiled once. Over this connection both go
straight to asyncpg, whose statement cache prepares each text once per connection (one round
trip per statement after that); the values are converted by the same SQLAlchemy processors
the engine would apply, chosen by the driver's column types as SQLAlchemy chooses them, so a
read answers the same values on either path (tests/store/running/test_driver_reads.py).

Statement events still fire: every statement is announced to the engine's
`before_cursor_execute` listeners, as the engine would, so that /metrics and the tests go on
counting the statements of a request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.engine.result import Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ClauseElement

from store.running.core_statements import expand
from store.tables import NUMERIC_FROM_TEXT

# Column types learned per SQL text (a statement prepared once to describe its columns).
TYPES_KEPT = 512
_column_types: dict[str, tuple[int, ...]] = {}


class DriverConnection:
    """An asyncpg connection (in autocommit, or inside the transaction its reader opened)."""

    def __init__(
        self, connection: Any, engine: AsyncEngine, dialect: Dialect | None = None
    ) -> None:
        self._connection = connection
        self._engine = engine
        # The engine's, given by a caller that kept it (the async engine's `dialect` is a proxy
        # of its sync engine's: three Python calls a read).
        self.dialect: Dialect = engine.dialect if dialect is None else dialect

    @property
    def driver_connection(self) -> Any:
        """The asyncpg connection (as SQLAlchemy's raw connections name theirs)."""
        return self._connection

    async def fetch(self, sql: str, arguments: Sequence[Any]) -> list[Any]:
        """The driver's rows (asyncpg Records, sequences of values) of one statement."""
        self._announce(sql, arguments)
        try:
            rows: list[Any] = await self._connection.fetch(sql, *arguments)
        except Exception as error:
            raise standard_error(self.dialect, error, sql, arguments) from error
        return rows

    async def column_types(self, sql: str) -> tuple[int, ...]:
        """The driver's type of each column the statement returns (PostgreSQL type oids), as
        SQLAlchemy reads them from a cursor's description to choose its processors.

        Call it before the statement runs, never as the last thing a connection does: asyncpg
        prepares without closing the implicit transaction of the extended protocol, and a
        BEGIN with an isolation level sent next would fail ("SET TRANSACTION ISOLATION LEVEL
        must be called before any query"); the statement's own run closes it."""
        types = _column_types.get(sql)
        if types is None:
            try:
                prepared = await self._connection.prepare(sql)
            except Exception as error:
                raise standard_error(self.dialect, error, sql, ()) from error
            # The read pool's connections decode NUMERIC from its text (driver_pool.py).
            types = tuple(
                NUMERIC_FROM_TEXT if oid == NUMERIC_FROM_TEXT else oid
                for oid in (attribute.type.oid for attribute in prepared.get_attributes())
            )
            if len(_column_types) >= TYPES_KEPT:
                _column_types.clear()
            _column_types[sql] = types
        return types

    async def execute(
        self, statement: ClauseElement, parameters: Mapping[str, Any] | None = None
    ) -> Result[Any]:
        """A Core statement's rows as SQLAlchemy's Result, values converted as Core converts
        them (core_statements.py)."""
        expanded = expand(statement, self.dialect, parameters)
        types = await self.column_types(expanded.sql) if expanded.columns else ()
        rows = await self.fetch(expanded.sql, expanded.arguments)
        return expanded.result(rows, expanded.processors(self.dialect, types), _keys(rows))

    async def scalar(
        self, statement: ClauseElement, parameters: Mapping[str, Any] | None = None
    ) -> Any:
        """The first column of the first row, or None (as AsyncConnection.scalar)."""
        return (await self.execute(statement, parameters)).scalar()

    def _announce(self, sql: str, arguments: Sequence[Any]) -> None:
        # The listeners receive what the engine's own events pass (connection, cursor,
        # statement, parameters, context, executemany); there is no SQLAlchemy connection,
        # cursor or context here.
        dispatch = self._engine.sync_engine.dispatch
        if dispatch.before_cursor_execute:
            dispatch.before_cursor_execute(None, None, sql, tuple(arguments), None, False)


def standard_error(
    dialect: Dialect, error: Exception, sql: str | None, arguments: Sequence[Any]
) -> BaseException:
    """The exception SQLAlchemy's engine raises for the driver's `error` (a DBAPIError of
    the same class for the same failure, whether a statement or the connection failed), so
    that callers and answers see one kind of error whichever path a read took."""
    dbapi = dialect.loaded_dbapi
    translations = dbapi._asyncpg_error_translate
    for kind in type(error).__mro__:
        if kind in translations:
            message = error.args[0] if error.args else str(error)
            adapted: Exception = translations[kind](message, error)
            return DBAPIError.instance(
                sql, tuple(arguments) if sql else None, adapted, dbapi.Error, dialect=dialect
            )
    return error


def _keys(rows: list[Any]) -> list[str]:
    return list(rows[0].keys()) if rows else []
