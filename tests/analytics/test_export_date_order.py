"""The order of day and month of a file whose dates read both ways: given, else the title's
period, else a known report's convention, else refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.export_date_order import (
    AmbiguousDates,
    decide_date_order,
    is_quickbooks_report,
    title_period,
)
from analytics.export_dates import DateOrder, DateOrderEvidence, parse_export_date


def _evidence(*texts: str) -> DateOrderEvidence:
    evidence = DateOrderEvidence()
    for text in texts:
        evidence.observe(text)
    return evidence


@pytest.mark.parametrize(
    ("cells", "period"),
    [
        (["April 1-12, 2024"], (dt.date(2024, 4, 1), dt.date(2024, 4, 1))),
        (["April 2024"], (dt.date(2024, 4, 1), dt.date(2024, 4, 1))),
        (["1-Apr-2024 to 31-Mar-2025"], (dt.date(2024, 4, 1), dt.date(2025, 3, 1))),
        (["January - March 2024"], (dt.date(2024, 1, 1), dt.date(2024, 3, 1))),
        (["Sales by Customer Detail"], None),
        (["All Dates"], None),
        (["01/04/2024 to 30/04/2024"], None),
    ],
)
def test_title_period(cells: list[str], period: tuple[dt.date, dt.date] | None) -> None:
    assert title_period([["Acme Widgets LLC"], cells]) == period


def test_dates_that_say_their_order_need_nothing_else() -> None:
    assert decide_date_order(_evidence("04/13/2024"), given=None).order is DateOrder.MONTH_FIRST
    assert decide_date_order(_evidence("13/04/2024"), given=None).order is DateOrder.DAY_FIRST
    # 05/05 reads alike either way: the dates decide, and the note says so.
    decided = decide_date_order(_evidence("05/05/2024", "2024-01-02"), given=None)
    assert decided.because == "no date in it reads as two different days"
    assert decided.by_the_dates


def test_ambiguous_dates_without_a_hint_are_refused() -> None:
    with pytest.raises(AmbiguousDates, match="'04/01/2024' read either day first or month"):
        decide_date_order(_evidence("04/01/2024", "04/10/2024"), given=None)


def test_a_period_that_both_readings_fit_says_nothing() -> None:
    # A financial year holds both 4 January and 1 April.
    with pytest.raises(AmbiguousDates):
        decide_date_order(
            _evidence("04/01/2024"), given=None, title=[["1-Apr-2023 to 31-Mar-2025"]]
        )


def test_conventions_of_known_reports() -> None:
    title = [["Acme Widgets LLC"], ["Sales by Customer Detail"], ["All Dates"]]
    assert is_quickbooks_report(title)
    dates = _evidence("04/01/2024")
    quickbooks = decide_date_order(dates, given=None, title=title, dollars=True)
    assert quickbooks.order is DateOrder.MONTH_FIRST
    # Without dollars it may be a QuickBooks of a day-first country.
    with pytest.raises(AmbiguousDates):
        decide_date_order(dates, given=None, title=title)
    tally = decide_date_order(dates, given=None, columns=["Date", "Particulars", "Vch Type"])
    assert tally.order is DateOrder.DAY_FIRST


def test_the_order_given_beats_everything() -> None:
    dates = _evidence("04/13/2024")
    assert decide_date_order(dates, given=DateOrder.DAY_FIRST).order is DateOrder.DAY_FIRST


@given(
    day=st.integers(1, 12),
    month=st.integers(1, 12),
    year=st.integers(1990, 2060),
    month_first=st.booleans(),
    separator=st.sampled_from("/-."),
)
def test_the_title_period_reads_every_ambiguous_date_in_its_month(
    day: int, month: int, year: int, month_first: bool, separator: str
) -> None:
    """Whatever the date and its order, a title naming its month reads it as that day, or
    (where both readings fall in that month: day == month) reads it alike either way."""
    true = dt.date(year, month, day)
    parts = (month, day) if month_first else (day, month)
    text = f"{parts[0]:02d}{separator}{parts[1]:02d}{separator}{year}"
    title = [[f"{true:%B} 1-{day}, {year}"]]
    order = decide_date_order(_evidence(text), given=None, title=title).order
    assert parse_export_date(text, order) == true


def test_a_year_no_date_has_is_left_to_the_lines_check() -> None:
    """01/02/0000 is a bad line (its year), not a reading to weigh against the title's
    period: deciding the order must not fail on it."""
    decided = decide_date_order(
        _evidence("04/01/2024", "05/02/2024", "01/02/0000"),
        given=None,
        title=[["1-Apr-2024 to 30-Jun-2024"]],
    )
    assert decided.order is DateOrder.MONTH_FIRST
