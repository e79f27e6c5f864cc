"""Which of the demo's rows the database does not hold as planned: a rerun of `profiling demo`
writes only those, so a database that holds the whole demo is read, not rewritten.

Reading a batch's rows back by primary key costs far less than upserting them (an upsert
updates every row and its indexes even when nothing changes), and a row deleted or edited
since the last load still differs, so it is written again exactly as a full rewrite would."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, Numeric, Table, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import NullType, TypeDecorator

Row = dict[str, Any]

# Values bound per lookup (SQLite allows 32,766; fewer keep each statement cheap to compile).
LOOKUP_VALUES = 500
# A leading key column with at most this many values among a batch's rows is matched whole.
FEW_VALUES = 8


def _decimal_columns(table: Table, names: Sequence[str], dialect: Any) -> list[int]:
    """Where the rows hold decimals that the driver hands back as Decimal (PostgreSQL's
    NUMERIC, which keeps its scale): compared with their scale, since `Decimal("123.450") ==
    Decimal("123.45")` although writing the plan would store other digits. On SQLite
    ExactDecimal is the text already."""
    if dialect.name == "sqlite":
        return []
    found = []
    for i, name in enumerate(names):
        type_ = table.c[name].type
        if isinstance(type_, TypeDecorator):
            type_ = type_.load_dialect_impl(dialect)
        if isinstance(type_, Numeric):
            found.append(i)
    return found


def _scaled(value: Any) -> Any:
    """A decimal with the scale PostgreSQL's NUMERIC keeps (digits after the point: asyncpg
    gives 10000000 as `1.000E+7`, scale 0); any other value as it is."""
    if not isinstance(value, Decimal):
        return value
    exponent = value.as_tuple().exponent
    return (value, max(0, -exponent) if isinstance(exponent, int) else exponent)


def _with_scales(rows: Sequence[tuple[Any, ...]], at: Sequence[int]) -> list[tuple[Any, ...]]:
    """`rows` with their decimals at `at` paired with their scale (column by column)."""
    if not at or not rows:
        return list(rows)
    columns = [list(column) for column in zip(*rows, strict=True)]
    for index in at:
        columns[index] = list(map(_scaled, columns[index]))
    return list(zip(*columns, strict=True))


def _as_bound(
    table: Table, rows: Sequence[Row], names: Sequence[str], dialect: Any
) -> list[tuple[Any, ...]]:
    """The rows' values (in the order of `names`) as the driver is handed them to store, which
    is how the driver gives them back (read untyped): a planned row and the stored one compare
    equal exactly when writing the planned row would leave the stored one as it is
    (ExactDecimal is the very text on SQLite, not merely an equal number; a date its ISO
    text). Column by column: a million rows are converted without a Python call per row."""
    columns: list[list[Any]] = []
    for name in names:
        values = [row[name] for row in rows]
        # The type as this dialect binds it (ExactDecimal is text on SQLite, NUMERIC elsewhere).
        bind = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if bind is not None and isinstance(table.c[name].type, Date):
            # Few distinct dates (months, sale days): each is converted once.
            text = {value: bind(value) for value in set(values) if value is not None}
            values = list(map(text.get, values))
        elif bind is not None:
            # Not by distinct value: equal decimals ("82.3", "82.30") are stored as other text.
            values = [None if value is None else bind(value) for value in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


async def rows_to_write(
    connection: AsyncConnection, table: Table, rows: Sequence[Row]
) -> list[Row]:
    """The rows missing from `table` or whose columns (those the rows name) differ."""
    if not rows:
        return []
    keys = [column.name for column in table.primary_key.columns]
    names = list(rows[0])
    at = [names.index(key) for key in keys]
    decimals = _decimal_columns(table, names, connection.dialect)
    planned = _with_scales(_as_bound(table, rows, names, connection.dialect), decimals)
    key_of = itemgetter(*at)
    # The rows are looked up through the primary key's index, by its leading columns: those
    # with few values among the rows (a metric's level) all at once, then the first with many
    # (an entity, an account) a few hundred values per lookup, so that each statement stays
    # cheap to compile and reads few rows besides the batch's. A column further in the key
    # could not use the index: each lookup would scan the whole table.
    prefix: list[tuple[str, list[Any]]] = []
    for key in keys:
        choices = sorted({row[key] for row in rows})
        prefix.append((key, choices))
        if len(choices) > FEW_VALUES:
            break
    *leading, (narrow, wanted) = prefix
    fixed = [table.c[key].in_(choices) for key, choices in leading]
    # Read untyped (no result conversion): the driver's values, compared with the bound ones.
    columns = [type_coerce(table.c[name], NullType()) for name in names]
    held: dict[Any, tuple[Any, ...]] = {}  # by primary key (one value for a one-column key)
    for start in range(0, len(wanted), LOOKUP_VALUES):
        found = await connection.execute(
            select(*columns).where(
                *fixed, table.c[narrow].in_(wanted[start : start + LOOKUP_VALUES])
            )
        )
        stored = _with_scales(list(map(tuple, found.all())), decimals)
        held.update(zip(map(key_of, stored), stored, strict=True))
    return [
        row for row, values in zip(rows, planned, strict=True) if held.get(key_of(values)) != values
    ]
