"""A Core statement made ready for a driver by hand, as SQLAlchemy's engine would make it: the
one place the plain-driver connections (driver_connection.py for asyncpg, sqlite_connection.py
for sqlite3) compile a statement, expand its IN lists, process its arguments, and convert and
name the rows it returns.

It reads `SQLCompiler._result_columns`, SQLAlchemy's own list of what a row's values are
converted by: no public name gives it, and keeping its use here keeps it in one module."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.engine.result import IteratorResult, Result, SimpleResultMetaData
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Expanded:
    """The statement's SQL, its positional arguments, and the columns its rows carry (none for
    a statement Core did not describe, such as a text one)."""

    sql: str
    arguments: list[Any]
    columns: Sequence[Any]

    def processors(self, dialect: Dialect, driver_types: Iterable[Any]) -> list[Processor | None]:
        """The converter of each column's values, chosen by the driver's type of the column
        (None where the driver gives none) as Core chooses it."""
        return [
            column.type.dialect_impl(dialect).result_processor(dialect, driver_type)
            for column, driver_type in zip(self.columns, driver_types, strict=True)
        ]

    def result(
        self,
        rows: Iterable[Sequence[Any]],
        processors: Sequence[Processor | None],
        keys: Sequence[str],
    ) -> Result[Any]:
        """The rows as SQLAlchemy's Result, each value converted by its column's processor."""
        if any(process is not None for process in processors):
            converted = [
                tuple(
                    value if process is None else process(value)
                    for value, process in zip(row, processors, strict=True)
                )
                for row in rows
            ]
        else:
            converted = [tuple(row) for row in rows]
        names = [column.keyname for column in self.columns] if self.columns else list(keys)
        return IteratorResult(SimpleResultMetaData(names), iter(converted))


def expand(
    statement: ClauseElement, dialect: Dialect, parameters: Mapping[str, Any] | None
) -> Expanded:
    """`statement` compiled for `dialect` with `parameters`: compiled at each call, where the
    engine would take it from its cache (the reads that come here run once per request or per
    DataLoader batch; the reads every request makes are DriverSelects, compiled once)."""
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    state = compiled.construct_expanded_state(dict(parameters or {}))
    assert state.positiontup is not None
    arguments = []
    for key in state.positiontup:
        value = state.parameters[key]
        process = state.processors.get(key)
        arguments.append(value if process is None else process(value))
    return Expanded(state.statement, arguments, compiled._result_columns)
