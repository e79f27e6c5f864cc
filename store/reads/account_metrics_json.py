"""Accounts and their metric rows in one statement, the rows as the JSON text of the answer.

The read of `account_metrics.py` (the account joined to its rows under the scope's condition)
with one difference: the database writes each account's rows as the JSON array the answer
carries (`[{"metricName":"revenue","value":"15000.0",...},...]`), in the order of
`metrics_by_entity` (by metric name, then month), with the response names and fields a
compiled plan asks for (`RowField`). The server embeds that text in its answer without parsing
it (orjson.Fragment): no row becomes a tuple, a Decimal, a date or a dict in Python.

The text is byte for byte what orjson writes of the standard path's values, which the
differential tests and a hypothesis property over values check on both stores:
- strings through the database's JSON quoting (SQLite's `json_object`, which quotes as its
  `json_quote` does, PostgreSQL's `to_json`), which escape exactly the characters orjson
  escapes, the same way;
- a value as `str(Decimal)` writes it: on SQLite the stored text is that already (ExactDecimal
  and the ingest's stage store each value as its Decimal prints it, and revision 0022 rewrote
  the texts older releases kept as written); on PostgreSQL NUMERIC's
  text is the same except below 1E-6 in magnitude (and a zero of more than six decimals),
  where Python writes an exponent (`1E-7`, `0E-8`): `_decimal_text` writes those forms;
- a month as `date.isoformat` writes it: SQLite's stored ISO text, PostgreSQL's `to_json` of a
  date (ISO whatever DateStyle says).

A row without a definition (which the foreign key forbids) is left out, as the standard read
leaves it out. The account's own columns come as in `account_metrics.py`, for its leaves."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Dialect,
    Integer,
    Numeric,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection

from store.reads.entities import ACCOUNT_COLUMNS, IDS, STATEMENTS_KEPT, MetricFilter
from store.records import AccountRecord
from store.running.column_conversion import Processor, value_converter
from store.running.driver_select import Converters, DriverSelect, ExpandedText
from store.running.sqlite_connection import SQLiteConnection
from store.scope import Scope, account_visible
from store.tables import ACCOUNT_TABLE, DEFINITION_TABLE, METRIC_TABLE, Level

account = ACCOUNT_TABLE.c
definition = DEFINITION_TABLE.c
metric = METRIC_TABLE.c

# An account's record and its rows' JSON text (`[]` when it has none under the filter).
AccountWithRowsJson = tuple[AccountRecord, str]


class RowColumn(StrEnum):
    """What a row's field shows: one of MetricRecord's attributes, or a constant type name
    (a StrEnum: str's hash, in C, where an Enum's is a Python call, and the fields are
    hashed in the keys of every request's load, sharing and statement cache)."""

    METRIC_NAME = "metric_name"
    VALUE = "value"
    UNIT = "unit"
    EFFECTIVE_DATE = "effective_date"
    TYPE_NAME = "__typename"


class RowField(NamedTuple):
    """One field of a row in the answer: its response name and what it shows (`type_name`:
    the constant of a `__typename`)."""

    name: str
    column: RowColumn
    type_name: str = ""


# GraphQL names (response names and type names) are these characters only: written into the
# SQL text as literals or bound as parameters, they need no escaping in SQL or in JSON.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")

# SQLite writes an aggregate's own ORDER BY from 3.44 on (`group_concat(x, ',' ORDER BY ...)`,
# documented: the order is the statement's). Before 3.44 (this machine's 3.40) the rows are
# ordered in a subquery, which SQLite does not flatten into an aggregate, and group_concat
# concatenates them in that order: not in SQLite's documentation, but kept since 2008 by its
# own regression test (tkt2942.test: `SELECT group_concat(x) FROM (SELECT ... ORDER BY 1)`),
# and the only form those versions have that costs no more (a window function's ORDER BY, the
# documented order there, made the 12,000-row read's statement twice as slow).
SQLITE_ORDERED_AGGREGATES = sqlite3.sqlite_version_info >= (3, 44, 0)

# Below this magnitude str(Decimal) writes an exponent where NUMERIC's text writes none.
_SMALLEST_PLAIN = Decimal("0.000001")


def _quoted(text: str) -> ColumnElement[str]:
    """A constant text as an SQL string literal: pieces of JSON (names are checked by
    `_NAME`) and this module's own constants, never a client's value."""
    return literal_column("'" + text + "'", String())


def _number(text: str) -> ColumnElement[Any]:
    """A constant number written into the statement's text (not bound: the statement's
    constants are no arguments to send on every read)."""
    return literal_column(text, Integer() if text.isdigit() else Numeric())


def _decimal_text(value: ColumnElement[Any]) -> ColumnElement[str]:
    """PostgreSQL: NUMERIC `value` as `str(Decimal(its text))` writes it.

    NUMERIC's text never has an exponent; str(Decimal) writes one when the adjusted exponent
    is below -6: a non-zero value under 1E-6 in magnitude (0.00000012300 -> 1.2300E-7), and a
    zero of more than six decimals (0.00000000 -> 0E-8). Everything else is the same text.
    Its constants are written into the text (`_quoted`, `_number`)."""
    plain = cast(value, Text)
    fraction = func.substr(cast(func.abs(value), Text), _number("3"))  # the digits after "0."
    digits = func.ltrim(fraction, _quoted("0"))
    exponent = func.length(fraction) - func.length(digits) + _number("1")
    small = (
        case((value < _number("0"), _quoted("-")), else_=_quoted(""))
        .concat(func.left(digits, _number("1")))
        .concat(
            case(
                (
                    func.length(digits) > _number("1"),
                    _quoted(".").concat(func.substr(digits, _number("2"))),
                ),
                else_=_quoted(""),
            )
        )
        .concat(_quoted("E-"))
        .concat(cast(exponent, Text))
    )
    zero = case(
        (func.scale(value) <= _number("6"), plain),
        else_=_quoted("0E-").concat(cast(func.scale(value), Text)),
    )
    return case(
        (value == _number("0"), zero),
        (func.abs(value) < _number(str(_SMALLEST_PLAIN)), small),
        else_=plain,
    )


# The response name of each column when the client gives no alias (the contract's field names).
_OWN_NAMES = {
    RowColumn.METRIC_NAME: "metricName",
    RowColumn.VALUE: "value",
    RowColumn.UNIT: "unit",
    RowColumn.EFFECTIVE_DATE: "effectiveDate",
    RowColumn.TYPE_NAME: "__typename",
}

# What a statement writes of each row: its fields' columns and type names in order, and each
# field's key in the row's JSON text (`{"value":`, then `,"unit":`; on SQLite the name alone,
# a key of `json_object`), written into the SQL text, or None where the key is a parameter
# (`row_key_<position>`): see `_accounts_with_rows_json`.
RowShape = tuple[tuple[RowColumn, str, str | None], ...]


def _key(position: int, name: str, dialect: str) -> str:
    """A field's key in the row's JSON text, after the fields before it (SQLite: the name
    alone, a key of `json_object`)."""
    # GraphQL names need no escaping in JSON (nor in SQL, written as a literal).
    if _NAME.fullmatch(name) is None:
        raise ValueError(f"not a GraphQL name: {name!r}")
    if dialect == "sqlite":
        return name
    return ("{" if position == 0 else ",") + f'"{name}":'


def _row_json(shape: RowShape, dialect: str) -> ColumnElement[str]:
    """One row as its JSON object's text."""
    if dialect == "sqlite":
        return _sqlite_row_json(shape)
    pieces: list[ColumnElement[Any]] = []
    for position, (column, type_name, key) in enumerate(shape):
        pieces.append(
            bindparam(f"row_key_{position}", type_=String()) if key is None else _quoted(key)
        )
        if column is RowColumn.TYPE_NAME:
            pieces.append(_quoted(f'"{_type_name(type_name)}"'))
        else:
            pieces.append(_field_json(column, dialect))
    pieces.append(_quoted("}" if shape else "{}"))
    joined = pieces[0]
    for piece in pieces[1:]:
        joined = joined.concat(piece)
    return type_coerce(joined, String())


def _sqlite_row_json(shape: RowShape) -> ColumnElement[str]:
    """SQLite: one row as `json_object(key, value, ...)`, which writes the object in one pass:
    the text a chain of `||` over `json_quote`s writes, for about a fifth of the statement's
    instructions less (each `||` copies the row's text so far: docs/performance.md). Its
    strings are quoted as `json_quote` quotes them (the same routine), keys included; the
    stored value and month are texts, so they are written as strings, as before."""
    arguments: list[ColumnElement[Any]] = []
    for position, (column, type_name, key) in enumerate(shape):
        arguments.append(
            bindparam(f"row_key_{position}", type_=String()) if key is None else _quoted(key)
        )
        if column is RowColumn.TYPE_NAME:
            arguments.append(_quoted(_type_name(type_name)))
        else:
            arguments.append(_SQLITE_SOURCES[column])
    return type_coerce(func.json_object(*arguments), String())


def _type_name(type_name: str) -> str:
    if _NAME.fullmatch(type_name) is None:
        raise ValueError(f"not a GraphQL name: {type_name!r}")
    return type_name


# SQLite's stored texts of each column (a value as its Decimal prints it, a date in ISO form).
_SQLITE_SOURCES: dict[RowColumn, ColumnElement[Any]] = {
    RowColumn.METRIC_NAME: metric.metric_name,
    RowColumn.VALUE: type_coerce(metric.value, String()),
    RowColumn.UNIT: definition.unit,
    RowColumn.EFFECTIVE_DATE: type_coerce(metric.effective_date, String()),
}


def _field_json(column: RowColumn, dialect: str) -> ColumnElement[Any]:
    """PostgreSQL: one field's JSON text."""
    if column is RowColumn.VALUE:
        return _quoted('"').concat(_decimal_text(metric.value)).concat(_quoted('"'))
    source = {
        RowColumn.METRIC_NAME: metric.metric_name,
        RowColumn.UNIT: definition.unit,
        RowColumn.EFFECTIVE_DATE: metric.effective_date,
    }[column]
    return cast(func.to_json(source), Text)


@lru_cache(maxsize=STATEMENTS_KEPT)
def _accounts_with_rows_json(
    scope: Scope,
    by_names: bool,
    by_months: bool,
    fields: tuple[RowField, ...],
    dialect: str,
) -> tuple[DriverSelect, dict[str, str] | None]:
    """The statement of these fields, and the parameters of their keys (None: in its text).

    Fields under their own names have their keys in the statement's text: nothing more to bind
    for the common query. Aliased ones have them bound, so that their statements are one per
    sequence of columns (each at most once: schema/execution/account_rows_json.py), a few
    hundred at most: with the aliases in the text, a client sending new aliases had a statement
    built for each (about 6 ms of CPU, more than the rest of its request: docs/performance.md,
    bench/rows_json_aliases.py), and pushed the statements in use out of the cache. An entry
    of this cache costs a few microseconds to make again: the statements are kept by
    `_statement`."""
    if all(field.name == _OWN_NAMES[field.column] for field in fields):
        shape: RowShape = tuple(
            (field.column, field.type_name, _key(position, field.name, dialect))
            for position, field in enumerate(fields)
        )
        return _statement(scope, by_names, by_months, shape, dialect), None
    shape = tuple((field.column, field.type_name, None) for field in fields)
    keys = {
        f"row_key_{position}": _key(position, field.name, dialect)
        for position, field in enumerate(fields)
    }
    return _statement(scope, by_names, by_months, shape, dialect), keys


@lru_cache(maxsize=STATEMENTS_KEPT)
def _statement(
    scope: Scope, by_names: bool, by_months: bool, shape: RowShape, dialect: str
) -> DriverSelect:
    on: list[ColumnElement[bool]] = [
        # The level and SQLite's separator below are written into the text, not bound: each
        # bound value is one more argument converted and bound on every read (for these two
        # about 11,800 instructions of SQLite's small request: docs/performance.md). What
        # changes between reads is bound: ids, lists, keys, the scope's (a client's) strings.
        metric.level == _quoted(Level.ACCOUNT.value),
        metric.entity_id == account.account_id,
        metric.metric_name == definition.name,
    ]
    if by_names:
        on.append(metric.metric_name.in_(bindparam("names", expanding=True)))
    if by_months:
        on.append(metric.effective_date.in_(bindparam("months", expanding=True)))
    text = _rows_text(
        _row_json(shape, dialect),
        on,
        dialect,
        ordered_aggregates=dialect != "sqlite" or SQLITE_ORDERED_AGGREGATES,
    )
    return DriverSelect(
        select(*ACCOUNT_COLUMNS, type_coerce(text, String()).label("rows"))
        .where(account.account_id.in_(IDS), account_visible(scope))
        .order_by(account.account_id)
    )


def _rows_text(
    row: ColumnElement[str],
    on: Sequence[ColumnElement[bool]],
    dialect: str,
    *,
    ordered_aggregates: bool,
) -> Any:
    """An account's rows' texts as one JSON list (`[]` without rows), in the order of
    `metrics_by_entity` (metric name, then month): by the aggregate's own ORDER BY where the
    database has one (PostgreSQL, SQLite from 3.44), else (`ordered_aggregates` false: SQLite
    before 3.44) by the ORDER BY of a subquery that feeds the aggregate
    (`SQLITE_ORDERED_AGGREGATES` says why). The brackets go inside the aggregate's select:
    without rows the aggregate's NULL makes the whole NULL, and one coalesce gives `[]` (one
    function call and one copy fewer than around it)."""
    order = (metric.metric_name, metric.effective_date)
    if ordered_aggregates:
        joined = (
            func.string_agg(row, aggregate_order_by(_quoted(","), *order))
            if dialect == "postgresql"
            else func.group_concat(row, _quoted(",")).aggregate_order_by(*order)
        )
        source = select().select_from(METRIC_TABLE, DEFINITION_TABLE).where(and_(*on))
    else:
        ordered = (
            select(row.label("r"))
            .select_from(METRIC_TABLE, DEFINITION_TABLE)
            .where(and_(*on))
            .order_by(*order)
            .correlate(ACCOUNT_TABLE)
            .subquery()
        )
        joined = func.group_concat(ordered.c.r, _quoted(","))
        source = select().select_from(ordered)
    bracketed = _quoted("[").concat(joined).concat(_quoted("]"))
    return source.add_columns(func.coalesce(bracketed, _quoted("[]"))).scalar_subquery()


def _statement_and_keys(
    scope: Scope, metric_filter: MetricFilter, fields: tuple[RowField, ...], dialect: Dialect
) -> tuple[DriverSelect, dict[str, str] | None]:
    return _accounts_with_rows_json(
        scope,
        metric_filter.names is not None,
        metric_filter.months is not None,
        fields,
        dialect.name,
    )


def _parameters(
    account_ids: Sequence[str], metric_filter: MetricFilter, keys: dict[str, str] | None
) -> dict[str, Any]:
    """A read's parameters: the ids, the filter's lists, the keys' names when they are bound."""
    parameters: dict[str, Any] = {"ids": account_ids}
    if metric_filter.names is not None:
        parameters["names"] = metric_filter.names
    if metric_filter.months is not None:
        parameters["months"] = metric_filter.months
    if keys is not None:
        parameters.update(keys)
    return parameters


def statement_of(
    account_ids: Sequence[str],
    metric_filter: MetricFilter,
    scope: Scope,
    fields: tuple[RowField, ...],
    dialect: Dialect,
) -> tuple[DriverSelect, dict[str, Any]]:
    """The statement `accounts_with_rows_json` runs and its parameters, built afresh (the read
    keeps them with the statement's expanded text: `_prepare`)."""
    statement, keys = _statement_and_keys(scope, metric_filter, fields, dialect)
    return statement, _parameters(account_ids, metric_filter, keys)


# A read's statement, its expanded text and its keys' parameters, by what decides them: the
# scope, the lengths of the filter's lists (None: no such filter), the fields, the dialect (the
# very object: two drivers of one database may write different placeholders) and the number of
# accounts. Looked up with one dict access where `statement_of`, the statement's text lookup
# and the parameters' copies cost the small query about 14,000 instructions a request. Not by
# the filter's values, which the text does not depend on: keyed by them, a client cycling
# months filled the dict and emptied it for every reader every STATEMENTS_KEPT requests.
_PreparedKey = tuple[Scope, int | None, int | None, tuple[RowField, ...], Dialect, int]
_Prepared = tuple[DriverSelect, ExpandedText, dict[str, str] | None]
_PREPARED: dict[_PreparedKey, _Prepared] = {}


def _prepare(
    key: _PreparedKey, account_ids: Sequence[str], metric_filter: MetricFilter
) -> _Prepared:
    """What `statement_of` builds for the read of `key` (`metric_filter` one of its filters),
    its text expanded, kept."""
    scope, _names, _months, fields, dialect, _accounts = key
    statement, keys = _statement_and_keys(scope, metric_filter, fields, dialect)
    # The keys' parameters are the text's arguments, not constants: expanded with them.
    text = statement.expanded(dialect, _parameters(account_ids, metric_filter, keys))
    prepared = (statement, text, keys)
    if len(_PREPARED) >= STATEMENTS_KEPT:  # reads may run in several threads: no LRU
        _PREPARED.clear()
    _PREPARED[key] = prepared
    return prepared


def _prepared_read(
    dialect: Dialect,
    account_ids: Sequence[str],
    metric_filter: MetricFilter,
    scope: Scope,
    fields: tuple[RowField, ...],
) -> tuple[DriverSelect, ExpandedText, dict[str, Any]]:
    """The read's statement, its expanded text and its parameters."""
    names, months = metric_filter.names, metric_filter.months
    key = (
        scope,
        None if names is None else len(names),
        None if months is None else len(months),
        fields,
        dialect,
        len(account_ids),
    )
    prepared = _PREPARED.get(key)
    if prepared is None:
        prepared = _prepare(key, account_ids, metric_filter)
    statement, text, keys = prepared
    return statement, text, _parameters(account_ids, metric_filter, keys)


async def accounts_with_rows_json(
    connection: AsyncConnection,
    *,
    account_ids: Sequence[str],
    metric_filter: MetricFilter,
    scope: Scope,
    fields: tuple[RowField, ...],
) -> dict[str, AccountWithRowsJson]:
    """The accounts the scope sees among `account_ids`, each with the JSON text of its rows
    under the filter (the rows `metrics_by_entity` would give for it, in the same order),
    each row an object of `fields`."""
    statement, text, parameters = _prepared_read(
        connection.dialect, account_ids, metric_filter, scope, fields
    )
    rows, converters = await statement.driver_rows(connection, parameters, text)
    return _found(rows, converters)


def accounts_with_rows_json_now(
    connection: SQLiteConnection,
    account_ids: Sequence[str],
    *,
    metric_filter: MetricFilter,
    scope: Scope,
    fields: tuple[RowField, ...],
) -> dict[str, AccountWithRowsJson]:
    """`accounts_with_rows_json` as a plain call on a kept sqlite3 connection: the same
    statement and answer, for a read of a few rows run inline (store/running/reader.py's
    `read_keys_now`), without the coroutines of the driver's await."""
    statement, text, parameters = _prepared_read(
        connection.dialect, account_ids, metric_filter, scope, fields
    )
    rows, converters = statement.rows_now(connection, parameters, text)
    return _found(rows, converters)


_WIDTH = len(ACCOUNT_COLUMNS)

# Per tuple of a statement's converters, the account's columns that convert something, with
# their converter of one value: a row of one account converts those alone.
_CONVERTED: dict[Converters, tuple[tuple[int, Processor], ...]] = {}


def _converted(converters: Converters) -> tuple[tuple[int, Processor], ...]:
    converted = tuple(
        (index, value_converter(convert))
        for index, convert in enumerate(converters[:_WIDTH])
        if convert is not None
    )
    if len(_CONVERTED) >= STATEMENTS_KEPT:  # reads may run in several threads: no LRU
        _CONVERTED.clear()
    _CONVERTED[converters] = converted
    return converted


def _found(rows: Sequence[Sequence[Any]], converters: Converters) -> dict[str, AccountWithRowsJson]:
    """The driver's rows of the read as each account's record and rows' text, by id."""
    if not rows:
        return {}
    width = _WIDTH
    if len(rows) == 1:
        # One account (the small query's read): its few values converted one by one, where
        # the columns' lists, made and zipped back, cost a small request about 5% of its
        # instructions in process (docs/performance.md).
        (row,) = rows
        own = list(row)
        converted = _CONVERTED.get(converters)
        if converted is None:
            converted = _converted(converters)
        for index, convert in converted:
            own[index] = convert(own[index])
        # tuple's own constructor, in C: the named tuple's `__new__` is a Python function
        # that takes the fields one by one to build the same tuple.
        record: AccountRecord = tuple.__new__(AccountRecord, own[:width])
        return {record.account_id: (record, own[width])}
    columns: list[Any] = [list(column) for column in zip(*rows, strict=True)]
    for index, column_convert in enumerate(converters[:width]):
        if column_convert is not None:
            columns[index] = column_convert(columns[index])
    found: dict[str, AccountWithRowsJson] = {}
    for values in zip(*columns, strict=True):
        record = AccountRecord(*values[:width])
        found[record.account_id] = (record, values[width])
    return found
