"""Which of the demo's rows the database does not hold as planned: a rerun of `profiling demo`
writes only those, so a database that holds the whole demo is read, not rewritten.

Reading a batch's rows back by primary key costs far less than upserting them (an upsert
updates every row and its indexes even when nothing changes), and a row deleted or edited
since the last load still differs, so it is written again exactly as a full rewrite would."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import NullType

Row = dict[str, Any]

# Values bound per lookup (SQLite allows 32,766; fewer keep each statement cheap to compile).
LOOKUP_VALUES = 500


def _as_bound(table: Table, names: Sequence[str], dialect: Any) -> Callable[[Row], tuple[Any, ...]]:
    """A function giving a planned row's values (in the order of `names`) as the driver is
    handed them to store, which is how the driver gives them back (read untyped): a planned
    row and the stored one compare equal exactly when writing the planned row would leave the
    stored one as it is (ExactDecimal is the very text on SQLite, not merely an equal number;
    a date its ISO text)."""
    # The types as this dialect binds them (ExactDecimal is text on SQLite, NUMERIC elsewhere);
    # most columns have no processor, so only the others are converted.
    binds = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    converted = [(i, bind) for i, bind in enumerate(binds) if bind is not None]

    def bound(row: Row) -> tuple[Any, ...]:
        values = [row[name] for name in names]
        for i, bind in converted:
            if values[i] is not None:
                values[i] = bind(values[i])
        return tuple(values)

    return bound


async def rows_to_write(
    connection: AsyncConnection, table: Table, rows: Sequence[Row]
) -> list[Row]:
    """The rows missing from `table` or whose columns (those the rows name) differ."""
    if not rows:
        return []
    keys = [column.name for column in table.primary_key.columns]
    names = list(rows[0])
    at = [names.index(key) for key in keys]
    bound = _as_bound(table, names, connection.dialect)
    planned = [bound(row) for row in rows]
    # The rows are looked up by the key column with the most distinct values among them (an
    # entity, an invoice): few rows besides theirs are read, and each lookup binds a few
    # hundred values (binding every key of 10,000 rows costs more to compile than to run).
    counts = [len({row[keys[k]] for row in rows}) for k in range(len(keys))]
    narrow = keys[counts.index(max(counts))]
    wanted = sorted({row[narrow] for row in rows})
    # Read untyped (no result conversion): the driver's values, compared with the bound ones.
    columns = [type_coerce(table.c[name], NullType()) for name in names]
    held: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for start in range(0, len(wanted), LOOKUP_VALUES):
        found = await connection.execute(
            select(*columns).where(table.c[narrow].in_(wanted[start : start + LOOKUP_VALUES]))
        )
        for stored in found.all():
            values = tuple(stored)
            held[tuple(values[i] for i in at)] = values
    return [
        row
        for row, values in zip(rows, planned, strict=True)
        if held.get(tuple(values[i] for i in at)) != values
    ]
