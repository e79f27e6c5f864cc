"""A column converted at once (store/running/column_conversion.py, ExactDecimal's column form)
gives exactly what Core's processor gives value by value: the same values of the same types,
the same digits, NULLs kept, for every kind of value the drivers return."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Boolean, Date, Dialect, String
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.dialects.sqlite.aiosqlite import dialect as aiosqlite_dialect
from sqlalchemy.types import TypeEngine

from store.running.column_conversion import LOOKUP_FROM, column_converter, value_converter
from store.tables import NUMERIC_FROM_TEXT, ExactDecimal

SQLITE: Dialect = aiosqlite_dialect()
ASYNCPG: Dialect = asyncpg_dialect()
NUMERIC_OID, FLOAT8_OID, INT8_OID, DATE_OID = 1700, 701, 20, 1082


def _typed(values: list[Any]) -> list[tuple[type, str]]:
    """Values with their types and exact digits: Decimal('1.50') is not Decimal('1.5') here."""
    return [(type(value), repr(value)) for value in values]


def _one_by_one(
    column_type: TypeEngine[Any], dialect: Dialect, driver_type: Any, values: list[Any]
) -> list[Any]:
    process = column_type.dialect_impl(dialect).result_processor(dialect, driver_type)
    return list(values) if process is None else [process(value) for value in values]


def _at_once(
    column_type: TypeEngine[Any], dialect: Dialect, driver_type: Any, values: list[Any]
) -> list[Any]:
    convert = column_converter(column_type, dialect, driver_type)
    return list(values) if convert is None else convert(tuple(values))


decimals = st.decimals(allow_nan=True, allow_infinity=True, places=None) | st.sampled_from(
    # asyncpg folds the trailing zeros of whole numbers into the exponent: 1.5E+4 for 15000.
    [
        Decimal("1.5E+4"),
        Decimal("0E+2"),
        Decimal("-7E+10"),
        Decimal("1.4551915228366851806640625E+29"),
    ]
)


@given(values=st.lists(st.none() | decimals.map(str), max_size=80))
def test_sqlite_texts_become_the_decimals_core_makes(values: list[str | None]) -> None:
    expected = _one_by_one(ExactDecimal(), SQLITE, None, values)
    assert _typed(_at_once(ExactDecimal(), SQLITE, None, values)) == _typed(expected)


@given(values=st.lists(st.none() | decimals, max_size=80), capitals=st.sampled_from([0, 1]))
def test_asyncpg_numerics_become_the_decimals_core_makes(
    values: list[Decimal | None], capitals: int
) -> None:
    with decimal.localcontext() as context:
        context.capitals = capitals  # how a Decimal prints its exponent: E+ or e+
        expected = _one_by_one(ExactDecimal(), ASYNCPG, NUMERIC_OID, values)
        assert _typed(_at_once(ExactDecimal(), ASYNCPG, NUMERIC_OID, values)) == _typed(expected)


def _as_postgresql_writes(value: Decimal) -> str:
    """A NUMERIC's text as PostgreSQL writes it: never with an exponent."""
    return str(value) if not value.is_finite() else format(value, "f")


@given(values=st.lists(st.none() | decimals.map(_as_postgresql_writes), max_size=80))
def test_numerics_decoded_from_postgresqls_text_are_left_as_they_are(
    values: list[str | None],
) -> None:
    # What the read pool's connections give (driver_pool.py: Decimal of the text), converted
    # by the column form for NUMERIC_FROM_TEXT: exactly what Core's processor gives.
    decoded = [None if value is None else Decimal(value) for value in values]
    expected = _one_by_one(ExactDecimal(), ASYNCPG, NUMERIC_OID, decoded)
    converted = _at_once(ExactDecimal(), ASYNCPG, NUMERIC_FROM_TEXT, decoded)
    assert _typed(converted) == _typed(expected)
    assert column_converter(ExactDecimal(), ASYNCPG, NUMERIC_FROM_TEXT) is list


@given(
    values=st.lists(st.none() | st.floats(allow_nan=False) | st.integers(), max_size=40),
    driver_type=st.sampled_from([FLOAT8_OID, INT8_OID]),
)
def test_other_postgresql_types_of_a_value_convert_as_core_converts(
    values: list[Any], driver_type: int
) -> None:
    # An expression over the value column may come back as float8 or int8: Core's own path.
    expected = _one_by_one(ExactDecimal(), ASYNCPG, driver_type, values)
    assert _typed(_at_once(ExactDecimal(), ASYNCPG, driver_type, values)) == _typed(expected)


@given(
    months=st.lists(st.dates(min_value=dt.date(1900, 1, 1)), min_size=1, max_size=5),
    picks=st.lists(st.integers(min_value=0, max_value=4), max_size=3 * LOOKUP_FROM),
    nulls=st.booleans(),
)
def test_sqlite_dates_become_the_dates_core_makes(
    months: list[dt.date], picks: list[int], nulls: bool
) -> None:
    texts: list[str | None] = [months[pick % len(months)].isoformat() for pick in picks]
    if nulls:
        texts.append(None)
    expected = _one_by_one(Date(), SQLITE, None, texts)
    assert _typed(_at_once(Date(), SQLITE, None, texts)) == _typed(expected)


def test_columns_core_leaves_alone_are_left_alone() -> None:
    assert column_converter(String(), SQLITE, None) is None
    assert column_converter(Date(), ASYNCPG, DATE_OID) is None


# Every converter column_converter makes, with values its driver gives for it.
_ONE_VALUE_CASES: list[tuple[TypeEngine[Any], Dialect, Any, st.SearchStrategy[Any]]] = [
    (Boolean(), SQLITE, None, st.sampled_from([0, 1])),
    (Date(), SQLITE, None, st.dates(min_value=dt.date(1900, 1, 1)).map(dt.date.isoformat)),
    (ExactDecimal(), SQLITE, None, decimals.map(str)),
    (ExactDecimal(), ASYNCPG, NUMERIC_OID, decimals),
    (ExactDecimal(), ASYNCPG, FLOAT8_OID, st.floats(allow_nan=False)),
]


@given(data=st.data(), case=st.sampled_from(_ONE_VALUE_CASES))
def test_one_value_converts_as_its_column_converts_it(data: st.DataObject, case: Any) -> None:
    # A one-row read converts each value alone (account_metrics_json.py): the same value of
    # the same type as the column's converter and Core's processor give, NULL kept.
    column_type, dialect, driver_type, values = case
    value = data.draw(st.none() | values)
    convert = column_converter(column_type, dialect, driver_type)
    assert convert is not None
    expected = _one_by_one(column_type, dialect, driver_type, [value])
    assert _typed([value_converter(convert)(value)]) == _typed(expected)
    assert _typed(convert([value])) == _typed(expected)
