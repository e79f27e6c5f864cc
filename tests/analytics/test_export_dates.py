from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.export_dates import (
    BadDate,
    DateOrder,
    excel_serial_date,
    infer_date_order,
    parse_export_date,
    parse_export_month,
    reads_both_ways,
)

DAY = dt.date(2024, 3, 31)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-31",
        "2024/03/31",
        "2024.3.31",
        "2024-03-31T10:30:00Z",
        "2024-03-31 10:30",
        "31/03/2024",
        "31-03-2024",
        "31.03.2024",
        "31/03/24",
        "31-Mar-2024",
        "31-Mar-24",
        "31 March 2024",
        "31Mar2024",
        "Mar 31, 2024",
        "March 31 2024",
        "20240331",
        "45382",
        "45382.75",
        " 31/03/2024 10:30 PM ",
    ],
)
def test_the_formats_of_exports(text: str) -> None:
    assert parse_export_date(text) == DAY


def test_two_digit_years_follow_the_posix_pivot() -> None:
    assert parse_export_date("01-Jan-97") == dt.date(1997, 1, 1)
    assert parse_export_date("01/01/69") == dt.date(1969, 1, 1)
    assert parse_export_date("01/01/68") == dt.date(2068, 1, 1)
    assert parse_export_date("15-Apr-23") == dt.date(2023, 4, 15)


def test_the_order_of_day_and_month_is_decided_by_the_whole_file() -> None:
    assert infer_date_order(["01/02/2024", "13/02/2024"]) is DateOrder.DAY_FIRST
    assert infer_date_order(["01/02/2024", "02/13/2024"]) is DateOrder.MONTH_FIRST
    # Nothing tells: day first, the usual order outside the United States.
    assert infer_date_order(["01/02/2024", "2024-05-06"]) is DateOrder.DAY_FIRST
    # Contradictions: day first, and the month-first dates are the bad ones.
    assert infer_date_order(["02/13/2024", "13/02/2024"]) is DateOrder.DAY_FIRST
    assert parse_export_date("01/02/2024", DateOrder.MONTH_FIRST) == dt.date(2024, 1, 2)
    assert parse_export_date("01/02/2024", DateOrder.DAY_FIRST) == dt.date(2024, 2, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2024", "not a valid date"),
        ("13/13/2024", "not a valid date (dates of this file are DD/MM/YYYY)"),
        ("2024-02-30", "not a valid date"),
        ("31-Foo-2024", "'Foo' is not an English month name"),
        ("yesterday", "write it like 2024-03-31"),
        ("2024", "write it like"),
        ("123", "write it like"),
        ("9999999", "not an Excel date number"),
        ("20241301", "not a valid date (read as YYYYMMDD)"),
    ],
)
def test_what_is_not_a_date_says_how_to_write_one(text: str, reason: str) -> None:
    with pytest.raises(BadDate) as caught:
        parse_export_date(text)
    assert reason in str(caught.value)
    assert repr(text) in str(caught.value)


def test_excel_serials_count_from_1899_12_30() -> None:
    assert excel_serial_date(45382) == DAY
    assert excel_serial_date(36526) == dt.date(2000, 1, 1)


_WRITERS = {
    "iso": lambda d: d.isoformat(),
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "d-m-yyyy": lambda d: f"{d.day}-{d.month}-{d.year}",
    "dd-Mon-yy": lambda d: f"{d.day:02d}-{d:%b}-{d.year % 100:02d}",
    "dd Month yyyy": lambda d: f"{d.day} {d:%B} {d.year}",
    "yyyymmdd": lambda d: f"{d:%Y%m%d}",
}


@given(
    st.dates(min_value=dt.date(1969, 1, 1), max_value=dt.date(2068, 12, 31)),
    st.sampled_from(sorted(_WRITERS)),
)
def test_every_written_date_reads_back(day: dt.date, writer: str) -> None:
    assert parse_export_date(_WRITERS[writer](day)) == day


@given(st.dates(min_value=dt.date(1969, 1, 1), max_value=dt.date(2068, 12, 31)))
def test_month_first_dates_read_back_in_month_first_files(day: dt.date) -> None:
    text = f"{day.month:02d}/{day.day:02d}/{day.year}"
    assert parse_export_date(text, DateOrder.MONTH_FIRST) == day


@pytest.mark.parametrize(
    "text",
    [
        *("2024-03", "2024/3", "03/2024", "3-2024", "Mar-2024", "March 2024", "Mar-24", "Mar'24"),
        *("31/03/2024", "2024-03-31", "31-Mar-2024", "45382"),
    ],
)
def test_a_month_with_or_without_its_day(text: str) -> None:
    assert parse_export_month(text) == dt.date(2024, 3, 1)


def test_a_month_of_an_ambiguous_date_follows_the_files_order() -> None:
    assert parse_export_month("01/03/2024") == dt.date(2024, 3, 1)
    assert parse_export_month("01/03/2024", DateOrder.MONTH_FIRST) == dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-13", "13 is not a month number"),
        ("Foo 2024", "is not a month: write it like"),
        # Year 0 does not exist, and December 9999's month has no first day after it to bound
        # its partition: each was a traceback (ValueError, OverflowError) instead of a bad line.
        *((text, "is not a month between year 1 and 9998") for text in ("0000-03", "Mar-0000")),
        *((text, "is not a month between year 1 and 9998") for text in ("9999-12", "9999-12-15")),
    ],
)
def test_what_is_not_a_month(text: str, reason: str) -> None:
    with pytest.raises(BadDate, match=reason):
        parse_export_month(text)


@pytest.mark.parametrize(
    ("text", "both"),
    [
        ("04/01/2024", True),
        ("4-1-24", True),
        (" 04.01.2024 ", True),
        ("04/04/2024", False),  # the same day either way
        ("13/01/2024", False),
        ("01/13/2024", False),
        ("2024-01-04", False),
        ("4-Jan-24", False),
        ("", False),
    ],
)
def test_a_date_reads_both_ways_only_when_day_and_month_could_swap(text: str, both: bool) -> None:
    assert reads_both_ways(text) is both
