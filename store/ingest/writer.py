"""The all-or-nothing write: every row of a file in one transaction, so a crash or an error
part-way leaves nothing of the file behind.

Rows go to the driver as plain tuples through one compiled INSERT .. ON CONFLICT per table:
the same statement as `store.upsert.upsert`, without SQLAlchemy's per-row parameter handling
(dicts, per-row parameter construction), which costs as much as the database itself on a
million rows. Values are still converted by the columns' own SQLAlchemy types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.ingest.plan import TableWrite, Values, WriteMode, WritePlan
from store.ingest.progress import IngestProgress
from store.upsert import CHUNK_ROWS

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class CompiledInsert:
    sql: str
    # Per placeholder, in order: where its value is in a row, and its type's conversion.
    converters: tuple[tuple[int, Processor | None], ...]

    def parameters(self, rows: Iterable[Values]) -> list[Values]:
        converters = self.converters
        in_order = all(
            position == index and processor is None
            for index, (position, processor) in enumerate(converters)
        )
        if in_order:
            return list(rows)
        return [
            tuple(
                [
                    row[position] if convert is None else convert(row[position])
                    for position, convert in converters
                ]
            )
            for row in rows
        ]


def _left_out_defaults(table: Table, columns: Sequence[str]) -> dict[str, Any]:
    """Defaults of the columns a write leaves out, which new rows still need."""
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in columns or default is None:
            continue
        if not default.is_scalar:
            raise ValueError(f"{table.name}.{column.name}: only constant defaults are supported")
        defaults[column.name] = getattr(default, "arg", None)
    return defaults


def _constant(value: Any) -> Processor:
    return lambda _row_value: value


def compile_insert(connection: AsyncConnection, write: TableWrite) -> CompiledInsert:
    """INSERT .. ON CONFLICT for the write's table and columns, in the connection's dialect."""
    table: Table = write.table
    dialect = connection.dialect
    dialect_module = sqlite if dialect.name == "sqlite" else postgresql
    defaults = _left_out_defaults(table, write.columns)
    binds = {name: bindparam(name, type_=table.c[name].type) for name in write.columns}
    binds |= {
        name: bindparam(name, value=value, type_=table.c[name].type)
        for name, value in defaults.items()
    }
    statement = dialect_module.insert(table).values(binds)
    keys = [column.name for column in table.primary_key.columns]
    updated = [name for name in write.columns if name not in keys]
    if write.mode is WriteMode.UPSERT and updated:
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={name: statement.excluded[name] for name in updated}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    compiled = statement.compile(dialect=dialect)
    if compiled.positiontup is None:
        raise ValueError(f"{dialect.name}: expected a driver with positional parameters")
    converters: list[tuple[int, Processor | None]] = []
    for name in compiled.positiontup:
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if name in defaults:
            value = defaults[name] if processor is None else processor(defaults[name])
            converters.append((0, _constant(value)))
        else:
            converters.append((write.columns.index(name), processor))
    return CompiledInsert(str(compiled), tuple(converters))


def _chunks(rows: Iterable[Values], size: int) -> Iterator[list[Values]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


async def _write_table(
    connection: AsyncConnection, write: TableWrite, progress: IngestProgress
) -> None:
    if not len(write.rows):
        return
    insert = compile_insert(connection, write)
    # Chunks are built one at a time so that a million rows never all exist as parameters.
    for chunk in _chunks(write.rows, CHUNK_ROWS):
        await connection.exec_driver_sql(insert.sql, insert.parameters(chunk))
        progress.advance(len(chunk))


async def write_plan(
    engine: AsyncEngine, plan: WritePlan, *, progress: IngestProgress
) -> Sequence[str]:
    """Write the plan and run its follow-up in one transaction; the follow-up's notes."""
    async with engine.begin() as connection:
        for write in plan.writes:
            await _write_table(connection, write, progress)
        if plan.after is not None:
            return await plan.after(connection, progress)
    return ()
