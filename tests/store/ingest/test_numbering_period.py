"""The numbering period of invoice numbers: Tally's financial year, April to March; none for
QuickBooks' and Zoho Books' numbers, which run on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.kinds.invoice_moves import financial_year, numbering_period
from tests.store.sales_support import d, rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"

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


def test_zoho_books_numbers_never_restart() -> None:
    # Zoho Books continues one series across fiscal years (its help: "does not restart the
    # invoice numbering for the new fiscal year"), whatever month that year starts in.
    zoho = numbering_period(
        [], ["Invoice Date", "Invoice Number", "Invoice Status", "Customer ID", "SubTotal"]
    )
    assert zoho(dt.date(2025, 3, 31)) == zoho(dt.date(2025, 4, 1))
    assert zoho(dt.date(2024, 12, 31)) == zoho(dt.date(2025, 1, 1))
    # A file with an invoice number and a status but none of Zoho's ids is not known as Zoho's.
    other = numbering_period([], ["Date", "Invoice Number", "Invoice Status", "Customer"])
    assert other(dt.date(2025, 3, 31)) != other(dt.date(2025, 4, 1))


async def test_a_zoho_invoice_redated_across_april_is_moved_not_doubled(
    engine: AsyncEngine,
) -> None:
    # An organisation whose fiscal year starts in January: its invoice INV-000105 re-dated
    # from 28 March to 2 April is one invoice. On main (Tally's April-to-March rule for every
    # file without a QuickBooks title) it was stored twice, its revenue counted twice.
    await ingest_file(
        engine, kind=IngestKind.SALES, path=FIXTURES / "zoho_invoices_fiscal_january.csv"
    )
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=FIXTURES / "zoho_invoices_fiscal_january_redated.csv"
    )
    assert any("1 invoice re-dated: INV-000105 2025-03-28 -> 2025-04-02" in n for n in report.notes)
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("4596000000013001", d("2025-04-02"), "INV-000105", 1, D("10000.00")),
        ("4596000000013002", d("2025-04-03"), "INV-000106", 1, D("4000.00")),
    ]
