"""A Core select run as SQL text on the driver: compiled once, its values converted by column.

Executing a select through Core costs SQLAlchemy about 0.1 ms before the driver sees it (the
compiled cache's key, the IN lists expanded, an execution context), then converts every value
of every row through its type's processor and builds a Row for each: for the reads every
request makes, more than SQLite takes to run them (docs/performance.md has the figures).

A DriverSelect does the same work once where it can: the statement is compiled once per dialect,
expanded once per length of each IN list by SQLAlchemy itself (`construct_expanded_state`),
and run with `exec_driver_sql`, so statement events still fire (/metrics and the tests count
statements). The values of each column are converted in one pass, as the processor SQLAlchemy
would use for it converts them (the type's `result_processor` for the driver's column type),
by a converter of the whole column built once per dialect (column_conversion.py). Bind values
go through the bind processors the expansion gives. The collector is paused for the
conversion of a read of many rows only (gc_pause.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, DateTime, Dialect, Select, Time
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler

from store.running.column_conversion import Converter, column_converter
from store.running.driver_connection import DriverConnection
from store.running.gc_pause import paused_for
from store.running.sqlite_connection import SQLiteConnection

Processor = Callable[[Any], Any]
Converters = tuple[Converter | None, ...]

# Expanded texts kept per statement: one per dialect and combination of IN list lengths.
TEXTS_KEPT = 256


_CONSTANT = object()


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where one placeholder's value comes from: a parameter, one item of a list parameter,
    or the statement itself (a value bound when it was built, such as a key's scope)."""

    name: str
    index: int | None
    process: Processor | None
    constant: Any = _CONSTANT


@dataclass(frozen=True, slots=True)
class _Text:
    sql: str
    slots: tuple[_Slot, ...]

    def arguments(self, parameters: Mapping[str, Any]) -> tuple[Any, ...]:
        values = []
        for slot in self.slots:
            value = slot.constant
            if value is _CONSTANT:
                value = parameters[slot.name]
                if slot.index is not None:
                    value = value[slot.index]
            values.append(value if slot.process is None else slot.process(value))
        return tuple(values)


# What `expanded` gives: a text and how its arguments are taken from the parameters.
ExpandedText = _Text


class DriverSelect:
    """A select whose parameters are plain values or lists for expanding IN parameters."""

    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        self._columns = tuple(statement.selected_columns)
        self._compiled: dict[Dialect, SQLCompiler] = {}
        self._texts: dict[tuple[Dialect, tuple[tuple[str, int], ...]], _Text] = {}
        self._converters: dict[Dialect, Converters] = {}
        # Over SQLAlchemy's connections the driver's values may differ from the plain driver's
        # (asyncpg's binary NUMERIC against the read pool's text: driver_connection.py), so
        # their converters are kept apart.
        self._engine_converters: dict[Dialect, Converters] = {}

    async def columns(
        self, connection: AsyncConnection, parameters: Mapping[str, Any]
    ) -> list[list[Any]]:
        """The rows' values as one list per selected column, converted as Core converts them."""
        rows, converters = await self.driver_rows(connection, parameters)
        return self.by_column(rows, converters)

    def by_column(self, rows: Sequence[Sequence[Any]], converters: Converters) -> list[list[Any]]:
        """`driver_rows`' rows as one list per selected column, converted as Core converts
        them: for a caller that also keeps the driver's rows (to compare a later read with)."""
        if not rows:
            return [[] for _ in self._columns]
        with paused_for(len(rows)):
            return _by_column(rows, converters)

    async def driver_rows(
        self,
        connection: AsyncConnection,
        parameters: Mapping[str, Any],
        text: ExpandedText | None = None,
    ) -> tuple[Sequence[Sequence[Any]], Converters]:
        """The driver's rows as it gives them, values not yet converted, and the converter of
        each column (None where Core converts nothing): for a caller that converts only the
        values it keeps (an account's columns repeat on each of its rows, account_metrics.py).

        On the driver itself: asyncpg (store/running/driver_connection.py) or sqlite3
        (store/running/sqlite_connection.py); over SQLAlchemy's connections, `_engine_rows`.

        `text`: what `expanded` gave for this connection's dialect and the same lengths of the
        lists in `parameters`, for a caller that keeps it (it never changes for those) and so
        skips its lookup."""
        dialect = connection.dialect
        if text is None:
            text = self.expanded(dialect, parameters)
        if not isinstance(connection, DriverConnection | SQLiteConnection):
            return await self._engine_rows(connection, text, parameters)
        # The arguments first: nothing may fail between describing the statement and running
        # it (DriverConnection.column_types says why).
        arguments = text.arguments(parameters)
        converters = self._converters.get(dialect)
        if converters is None:
            # Described before it runs: see DriverConnection.column_types.
            named = await connection.column_types(text.sql)
            # sqlite3 names none: Core then chooses by the column's type alone.
            converters = self._converters_of(dialect, named or [None] * len(self._columns))
        return await connection.fetch(text.sql, arguments), converters

    def rows_now(
        self, connection: SQLiteConnection, parameters: Mapping[str, Any], text: ExpandedText
    ) -> tuple[list[Any], Converters]:
        """`driver_rows` on a kept sqlite3 connection as a plain call (a read of a few rows run
        inline: Reader.read_keys_now), `text` given."""
        converters = self._converters.get(connection.dialect)
        if converters is None:
            # sqlite3 names no column types: Core chooses by the column's type alone.
            converters = self._converters_of(connection.dialect, [None] * len(self._columns))
        return connection.rows_now(text.sql, text.arguments(parameters)), converters

    async def _engine_rows(
        self, connection: AsyncConnection, text: _Text, parameters: Mapping[str, Any]
    ) -> tuple[Sequence[Sequence[Any]], Converters]:
        result = await connection.exec_driver_sql(text.sql, text.arguments(parameters))
        converters = self._engine_converters.get(connection.dialect)
        if converters is None:
            # The driver's column types, as Core reads them to choose each processor.
            description = result.cursor.description
            converters = self._converters_of(
                connection.dialect, [entry[1] for entry in description], self._engine_converters
            )
        # The driver's own rows: SQLAlchemy's Row objects would add a third to a large read.
        try:
            rows = result.cursor.fetchall()
        finally:
            result.close()
        return rows, converters

    def sql(self, dialect: Dialect, parameters: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
        """The SQL text and the driver's arguments this select sends for `parameters`."""
        text = self.expanded(dialect, parameters)
        return text.sql, text.arguments(parameters)

    def _converters_of(
        self,
        dialect: Dialect,
        driver_types: Sequence[Any],
        kept: dict[Dialect, Converters] | None = None,
    ) -> Converters:
        converters = tuple(
            column_converter(column.type, dialect, driver_type)
            for column, driver_type in zip(self._columns, driver_types, strict=True)
        )
        (self._converters if kept is None else kept)[dialect] = converters
        return converters

    def expanded(self, dialect: Dialect, parameters: Mapping[str, Any]) -> ExpandedText:
        """The SQL text and its placeholders' sources for the lengths of the lists in
        `parameters` (each length its own text: the IN lists are expanded)."""
        # A loop, not a generator: a frame fewer for every read.
        sizes = []
        for name, value in parameters.items():
            if isinstance(value, list | tuple):
                sizes.append((name, len(value)))
        key = (dialect, tuple(sizes))
        text = self._texts.get(key)
        if text is None:
            text = self._expand(dialect, parameters)
            if len(self._texts) >= TEXTS_KEPT:  # reads may run in several threads: no LRU
                self._texts.clear()
            self._texts[key] = text
        return text

    def _expand(self, dialect: Dialect, parameters: Mapping[str, Any]) -> _Text:
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = self._statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)
            if not compiled.positional or compiled.literal_execute_params:
                raise ValueError("a DriverSelect needs a positional dialect and no literal values")
            if any(not parameter.expanding for parameter in compiled.post_compile_params):
                raise ValueError("a DriverSelect's only late parameters are expanding IN lists")
            self._compiled[dialect] = compiled
        state = compiled.construct_expanded_state(dict(parameters))
        assert state.positiontup is not None
        expanded_from = {
            expanded: (name, index)
            for name, names in state.parameter_expansion.items()
            for index, expanded in enumerate(names)
        }
        slots = []
        for key in state.positiontup:
            process = state.processors.get(key)
            if key in expanded_from and expanded_from[key][0] in parameters:
                name, index = expanded_from[key]
                slots.append(_Slot(name, index, _kept_process(compiled, name, process)))
            elif key in parameters:
                slots.append(_Slot(key, None, _kept_process(compiled, key, process)))
            else:  # bound in the statement: the same for every run, processed once
                value = state.parameters[key]
                slots.append(_Slot(key, None, None, value if process is None else process(value)))
        return _Text(state.statement, tuple(slots))


# Processed values kept per bind processor of a date or time: a read's months repeat from one
# request to the next (a filter is shared), and SQLite's processor formats each in Python.
PROCESSED_KEPT = 1024


class _Processed(dict[Any, Any]):
    """A bind processor's values by the value given, made on first use: looked up in C."""

    def __init__(self, process: Processor) -> None:
        super().__init__()
        self._process = process

    def __missing__(self, value: Any) -> Any:
        processed = self._process(value)
        if len(self) >= PROCESSED_KEPT:  # reads may run in several threads: no LRU
            self.clear()
        self[value] = processed
        return processed


def _kept_process(compiled: SQLCompiler, name: str, process: Processor | None) -> Processor | None:
    """`process` for the parameter `name`, its values kept when they are dates or times
    (immutable and hashable, whichever the driver takes)."""
    bind = compiled.binds.get(name)
    if process is None or bind is None or not isinstance(bind.type, Date | DateTime | Time):
        return process
    return _Processed(process).__getitem__


def _by_column(rows: Sequence[Sequence[Any]], converters: Converters) -> list[list[Any]]:
    return [
        list(values) if convert is None else convert(values)
        for values, convert in zip(zip(*rows, strict=True), converters, strict=True)
    ]
