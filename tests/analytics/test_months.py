from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from analytics.months import add_months, days_in_month, first_of_month, last_full_month


def test_last_full_month_examples_of_the_contract() -> None:
    assert last_full_month(dt.date(2023, 5, 1)) == dt.date(2023, 4, 1)
    assert last_full_month(dt.date(2023, 5, 31)) == dt.date(2023, 4, 1)
    assert last_full_month(dt.date(2024, 1, 15)) == dt.date(2023, 12, 1)


@given(st.dates(min_value=dt.date(1900, 2, 1), max_value=dt.date(2999, 12, 31)))
def test_last_full_month_is_the_complete_month_before_today(today: dt.date) -> None:
    month = last_full_month(today)
    assert month.day == 1
    assert month < first_of_month(today)
    assert add_months(month, 1) == first_of_month(today)
    assert month + dt.timedelta(days=days_in_month(month)) <= today


@given(
    st.dates(min_value=dt.date(1200, 1, 1), max_value=dt.date(8800, 1, 1)),
    st.integers(-1200, 1200),
)
def test_add_months_round_trips(day: dt.date, count: int) -> None:
    month = first_of_month(day)
    moved = add_months(month, count)
    assert moved.day == 1
    assert (moved.year - month.year) * 12 + moved.month - month.month == count
    assert add_months(moved, -count) == month
