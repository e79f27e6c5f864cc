"""Parsing of cells: what each column accepts and how it says what it refuses."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from analytics.export_amounts import DecimalMark
from analytics.export_dates import LAST_MONTH_YEAR, DateOrder
from store.ingest.values import (
    BadValue,
    decimal_texts,
    parse_bool,
    parse_count,
    parse_date,
    parse_decimal,
    parse_month,
    parse_unit,
)

finite_decimals = st.decimals(allow_nan=False, allow_infinity=False)


@given(finite_decimals)
def test_a_decimal_in_either_notation_reads_back_with_its_digits(value: Decimal) -> None:
    for text in (str(value), format(value, "f")):
        parsed = parse_decimal(text, column="value")
        assert parsed == value
        assert parsed.as_tuple() == Decimal(text).as_tuple()


@pytest.mark.parametrize("text", ["15000.0", "-0.125", "+3", ".5", "5.", "1e3", "-2.5E-7"])
def test_plain_numbers_are_accepted(text: str) -> None:
    assert parse_decimal(text, column="value") == Decimal(text)


@pytest.mark.parametrize("text", ["1,5", "1_000", "12%", "0x10", "", "--1", "²", "1.²"])
def test_anything_else_is_not_a_number(text: str) -> None:
    with pytest.raises(BadValue, match=r"is not a number"):
        parse_decimal(text, column="value")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 000", "1000"),
        ("€3", "3"),
        ("Rs. 1,200.50", "1200.50"),
        ("(500)", "-500"),
        ("500-", "-500"),
        ("1,234", "1234"),
        ("12,34,567.50", "1234567.50"),
    ],
)
def test_numbers_are_read_as_the_sales_loader_reads_amounts(text: str, expected: str) -> None:
    assert str(parse_decimal(text, column="value")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12,5", "12.5"), ("1.234,50", "1234.50"), ("1.234", "1234"), ("1 234,5", "1234.5")],
)
def test_a_file_with_a_decimal_comma(text: str, expected: str) -> None:
    assert str(parse_decimal(text, column="value", mark=DecimalMark.COMMA)) == expected


def test_a_side_is_refused() -> None:
    with pytest.raises(BadValue, match=r"a Dr/Cr side belongs to sales and ledger files"):
        parse_decimal("1,200.00 Dr", column="value")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,23,456.78", "123456.78"),
        ("12,34,567", "1234567"),
        ("1,00,00,000.50", "10000000.50"),
        ("-1,234,567", "-1234567"),
        ("+1,234.0", "1234.0"),
        ("1,234.", "1234"),
    ],
)
def test_digits_grouped_by_thousands_or_lakhs_are_accepted(text: str, expected: str) -> None:
    assert str(parse_decimal(text, column="value")) == expected


@pytest.mark.parametrize(
    "text", ["123,45,678", "1,23,456,789", "1,2,3", "12,5", "1.234,5", ",5", "1,234.5.6", "1,,234"]
)
def test_malformed_grouping_is_refused(text: str) -> None:
    with pytest.raises(BadValue, match=r"is not a number: write it like 1234.5"):
        parse_decimal(text, column="value")


@pytest.mark.parametrize("text", ["NaN", "nan", "-Infinity", "inf", "sNaN", "+Inf"])
def test_nan_and_infinity_are_refused(text: str) -> None:
    with pytest.raises(BadValue, match=r"is not a finite number"):
        parse_decimal(text, column="value")


@pytest.mark.parametrize("text", ["1e200000", "1e-20000"])
def test_numbers_beyond_what_the_database_stores_are_refused(text: str) -> None:
    with pytest.raises(BadValue, match=r"out of range"):
        parse_decimal(text, column="value")


@given(
    # Months end in December 9998: a month's partition is bounded by the next month's first
    # day, which Python's dates cannot write after that (LAST_MONTH_YEAR).
    st.dates(max_value=dt.date(LAST_MONTH_YEAR, 12, 31)),
    st.sampled_from(
        [
            "{:%Y-%m-%d}",
            "{:%Y-%m}",
            "{:%Y/%m/%d}",
            "{:%Y-%m-%dT%H:%M}",
            "{:%d-%b-%Y}",
            "{:%b-%Y}",
            "{:%B %Y}",
            "{:%m/%Y}",
            "{:%d/%m/%Y}",
            "{:%d.%m.%Y}",
        ]
    ),
)
def test_any_day_of_a_month_becomes_its_first_day(day: dt.date, pattern: str) -> None:
    if day.year < 1000:
        return  # four-digit years only
    text = pattern.format(dt.datetime(day.year, day.month, day.day))
    assert parse_month(text, column="effective_date") == day.replace(day=1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "'2024-02-30' is not a valid date (read as YYYY-MM-DD)"),
        ("2024-13", "'2024-13' is not a valid month: 13 is not a month number"),
        ("13/13/2024", "'13/13/2024' is not a valid date (dates of this file are DD/MM/YYYY)"),
        ("Foo 2024", "'Foo 2024' is not a month: write it like 2024-03, Mar-2024"),
    ],
)
def test_impossible_months_are_refused(text: str, reason: str) -> None:
    with pytest.raises(BadValue, match=re.escape(f"effective_date {reason}")):
        parse_month(text, column="effective_date")


def test_the_order_of_day_and_month_is_the_files() -> None:
    assert parse_month("01/02/2024", column="effective_date") == dt.date(2024, 2, 1)
    month_first = DateOrder.MONTH_FIRST
    assert parse_month("01/02/2024", column="effective_date", order=month_first) == dt.date(
        2024, 1, 1
    )
    assert parse_date("01-Apr-2025", column="start_date") == dt.date(2025, 4, 1)


def test_a_full_date_needs_its_day() -> None:
    assert parse_date("2024-02-29", column="start_date") == dt.date(2024, 2, 29)
    with pytest.raises(BadValue, match=r"start_date '2024-02' is not a date"):
        parse_date("2024-02", column="start_date")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("1", True),
        ("false", False),
        ("no", False),
        ("0", False),
        ("False", False),
        ("NO", False),
    ],
)
def test_booleans(text: str, expected: bool) -> None:
    assert parse_bool(text, column="flag") is expected


@pytest.mark.parametrize("text", ["y", "2", "on", "truthy"])
def test_other_booleans_are_refused(text: str) -> None:
    with pytest.raises(BadValue, match=r"use true/false, yes/no or 1/0"):
        parse_bool(text, column="flag")


@given(st.integers(min_value=0, max_value=2**31 - 1))
def test_counts_read_back(count: int) -> None:
    assert parse_count(str(count), column="n") == count


@given(st.integers(min_value=2**31, max_value=10**40))
def test_counts_an_integer_column_cannot_hold_are_refused(count: int) -> None:
    # PostgreSQL's INTEGER stops at 2**31 - 1 (SQLite's would not): refused on both.
    with pytest.raises(BadValue, match=r"is too large \(at most 2,147,483,647\)"):
        parse_count(str(count), column="n")


@pytest.mark.parametrize("text", ["-1", "1.5", "1_000", "²", "(3)", "lots"])
def test_counts_are_whole_non_negative_numbers(text: str) -> None:
    with pytest.raises(BadValue, match=r"is not a whole number of 0 or more"):
        parse_count(text, column="n")


@pytest.mark.parametrize(
    ("text", "expected"), [("1,200", 1200), ("12,00,000", 1200000), ("1200.00", 1200)]
)
def test_counts_written_as_numbers_of_the_file(text: str, expected: int) -> None:
    assert parse_count(text, column="n") == expected
    assert parse_count("1.200", column="n", mark=DecimalMark.COMMA) == 1200


def test_units_are_kept_as_written_once_trimmed_and_known() -> None:
    assert parse_unit("euros") == "euros"
    assert parse_unit("  EUR ") == "EUR"
    assert parse_unit("%") == "%"
    assert parse_unit("US dollars") == "US dollars"
    with pytest.raises(BadValue, match=r"Unknown unit 'parsecs'"):
        parse_unit("parsecs")
    with pytest.raises(BadValue, match=r"Unknown unit"):
        parse_unit("   ")


_NUMBER_TEXTS = st.one_of(
    finite_decimals.map(str),
    finite_decimals.map(lambda value: format(value, "f")),
    st.from_regex(r"[+-]?0*\d{0,35}(\.\d{0,35})?([eE][+-]?\d{1,3})?", fullmatch=True),
    st.sampled_from(["0.000000", "0.0000001", "-0", "00.5", "5.", ".5", "NaN", "1,5", "", " 1"]),
)


@given(st.lists(_NUMBER_TEXTS, min_size=1, max_size=8))
@example(["1\u0660"])  # an Arabic-Indic zero: Decimal reads it, and prints '10'
@example(["7", "2\u0663.5"])
def test_decimal_texts_are_the_texts_of_parse_decimals_values(texts: list[str]) -> None:
    """A column is kept as the text its Decimals print, or refused when one is not a value."""
    try:
        expected: list[str] | None = [str(parse_decimal(text, column="value")) for text in texts]
    except BadValue:
        expected = None
    found = decimal_texts(texts, column="value")
    assert (None if found is None else list(found)) == expected


def test_a_line_break_does_not_pass_for_two_numbers() -> None:
    assert decimal_texts(["1\n2"], column="value") is None
