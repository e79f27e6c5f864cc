"""The numbering period of Tally's voucher numbers: the financial year, April to March."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from store.ingest.kinds.invoice_moves import financial_year, numbering_period

_DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))


@given(_DAYS, _DAYS)
def test_two_dates_share_a_financial_year_unless_an_april_first_parts_them(
    one: dt.date, other: dt.date
) -> None:
    first, last = sorted((one, other))
    parted = any(first < dt.date(year, 4, 1) <= last for year in range(first.year, last.year + 1))
    assert (financial_year(first) == financial_year(last)) is not parted


def test_quickbooks_numbers_never_restart() -> None:
    quickbooks = numbering_period([["Acme LLC"], ["Sales by Customer Detail"]])
    assert quickbooks(dt.date(2024, 3, 31)) == quickbooks(dt.date(2025, 4, 1))
    tally = numbering_period([["Kaveri Distributors Pvt Ltd"], ["Day Book"]])
    assert tally(dt.date(2025, 3, 31)) != tally(dt.date(2025, 4, 1))
