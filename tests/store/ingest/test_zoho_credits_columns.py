"""Zoho Books' receivables exports carry columns of credits the customer holds or had set
against an invoice (`Credits Applied` in Invoice Details, `Available Credits` in Customer
Balances). They are no credit side of a ledger's amount: taken for one, an Invoice Details
export would load each invoice's applied credit as its sale (18,000.00 of a 1,18,000.00
invoice) and its Total not at all. The words of such columns keep them from the credit role."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.export_columns import CREDIT
from store.ingest import FileRejected, IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
INVOICE_DETAILS = FIXTURES / "zoho_invoice_details_credits.csv"
CUSTOMER_BALANCES = FIXTURES / "zoho_customer_balances.csv"


async def test_invoice_details_load_their_totals_not_the_credits_applied(
    engine: AsyncEngine,
) -> None:
    report = await ingest_file(engine, kind=IngestKind.SALES, path=INVOICE_DETAILS, app="zoho")
    assert "credit" not in report.columns, report.columns
    assert report.columns["amount"] == "Total"
    # account, invoice, amount of each stored line: the invoices' totals
    lines = sorted((row[2], D(str(row[4]))) for row in await rows_of(engine, "sale_line"))
    assert lines == [
        ("INV-000101", D("118000.00")),
        ("INV-000102", D("23600.00")),
        ("INV-000103", D("35400.00")),
    ]


async def test_invoice_details_as_a_ledger_are_refused_not_read_as_credits(
    engine: AsyncEngine,
) -> None:
    """No kind column and no side: nothing says invoice or payment, and the load says so in
    one line rather than storing the credits applied as payments."""
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=IngestKind.LEDGER, path=INVOICE_DETAILS, app="zoho")
    assert "Credits Applied" not in str(refused.value)
    assert await rows_of(engine, "ledger_entry") == []


async def test_customer_balances_take_no_credit_column(engine: AsyncEngine) -> None:
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=IngestKind.LEDGER, path=CUSTOMER_BALANCES, app="zoho")
    assert "Available Credits" not in str(refused.value)
    assert await rows_of(engine, "ledger_entry") == []


@pytest.mark.parametrize(
    "name",
    [
        "Credits Applied",
        "Credits Applied (BCY)",
        "Available Credits",
        "Unused Credits",
        "Available Credits (BCY)",
    ],
)
def test_credit_holdings_are_no_credit_column(name: str) -> None:
    assert CREDIT.exact_rank(name) is None
    assert CREDIT.word_match(name) is None
