from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.quarters import BadQuarter, Quarter, months_before, quarter_label


def test_labels_and_bounds() -> None:
    quarter = Quarter.parse("1997-Q1")
    assert quarter == Quarter(1997, 1)
    assert quarter.label == "1997-Q1"
    assert quarter.first_day == dt.date(1997, 1, 1)
    assert quarter.last_day == dt.date(1997, 3, 31)
    assert quarter.previous == Quarter(1996, 4)
    assert Quarter(2024, 4).last_day == dt.date(2024, 12, 31)
    assert quarter_label(dt.date(2024, 8, 31)) == "2024-Q3"


@pytest.mark.parametrize(
    "text", ["2024Q1", "2024-Q5", "2024-Q0", "24-Q1", "0000-Q1", "", "Q1-2024"]
)
def test_malformed_quarters_are_refused_with_the_form_to_use(text: str) -> None:
    with pytest.raises(BadQuarter, match="write it as YYYY-Qn"):
        Quarter.parse(text)


@given(st.dates(min_value=dt.date(2, 1, 1)))
def test_a_day_lies_in_its_quarter_and_quarters_follow_each_other(day: dt.date) -> None:
    quarter = Quarter.of(day)
    assert quarter.first_day <= day <= quarter.last_day
    assert Quarter.parse(quarter.label) == quarter
    assert Quarter.from_ordinal(quarter.ordinal) == quarter
    assert quarter.previous.last_day + dt.timedelta(days=1) == quarter.first_day


def test_months_before_clamps_to_the_end_of_a_shorter_month() -> None:
    assert months_before(dt.date(2024, 5, 31), 3) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2024, 5, 15), 3) == dt.date(2024, 2, 15)
    assert months_before(dt.date(2024, 1, 31), 1) == dt.date(2023, 12, 31)


@given(st.dates(min_value=dt.date(100, 1, 1)), st.integers(0, 120))
def test_months_before_moves_whole_months(day: dt.date, months: int) -> None:
    earlier = months_before(day, months)
    assert (day.year - earlier.year) * 12 + day.month - earlier.month == months
    assert earlier.day == day.day or earlier.day < day.day
