"""QuickBooks' transaction types in a trial user's `Sales by Customer Detail` (Desktop): an
Invoice and a Sales Receipt are sales (a Sales Receipt paid on the spot), a Credit Memo a
return; loaded as a ledger, the Sales Receipt is an invoice with its payment, and a Credit
Memo written negative is the credit its type says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal

REPORT = """Acme Distributing LLC
Sales by Customer Detail
"January - March, 2025"

,Type,Date,Num,Memo,Name,Item,Qty,Sales Price,Amount,Balance
Amy's Bird Sanctuary,,,,,,,,,,
,Invoice,01/05/2025,1001,Custom Design,Amy's Bird Sanctuary,Design,4,75.00,300.00,300.00
,Estimate,01/20/2025,E-7,Quote,Amy's Bird Sanctuary,Design,9,75.00,675.00,
Total for Amy's Bird Sanctuary,,,,,,,,,$300.00,
Bill's Windsurf Shop,,,,,,,,,,
,Invoice,01/09/2025,1003,Installation,Bill's Windsurf Shop,Installation,10,50.00,500.00,500.00
,Credit Memo,03/12/2025,1021,Refund,Bill's Windsurf Shop,Design,-1,75.00,-75.00,425.00
Total for Bill's Windsurf Shop,,,,,,,,,$425.00,
Cool Cars,,,,,,,,,,
,Sales Receipt,02/03/2025,1008,,Cool Cars,Pest Control,1,"1,200.00","1,200.00","1,200.00"
,Refund Receipt,03/20/2025,1030,,Cool Cars,Pest Control,-1,200.00,-200.00,"1,000.00"
Total for Cool Cars,,,,,,,,,"$1,000.00",
TOTAL,,,,,,,,,"$1,725.00",
"""


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "qb_desktop.csv"
    path.write_text(REPORT)
    return path


async def test_a_sales_receipt_is_a_sale(engine: AsyncEngine, report: Path) -> None:
    await ingest_file(engine, kind=IngestKind.SALES, path=report, app="qb")
    lines = [(row[0], row[1], row[2], row[4]) for row in await rows_of(engine, "sale_line")]
    assert lines == [
        ("Amy's Bird Sanctuary", d("2025-01-05"), "1001", D("300.00")),
        ("Bill's Windsurf Shop", d("2025-01-09"), "1003", D("500.00")),
        ("Bill's Windsurf Shop", d("2025-03-12"), "1021", D("-75.00")),
        ("Cool Cars", d("2025-02-03"), "1008", D("1200.00")),
        ("Cool Cars", d("2025-03-20"), "1030", D("-200.00")),
    ]


async def test_in_a_ledger_a_sales_receipt_is_paid_at_once(
    engine: AsyncEngine, report: Path
) -> None:
    loaded = await ingest_file(engine, kind=IngestKind.LEDGER, path=report, app="qb")
    assert any(
        note.startswith("Settled on the spot") and "1 Sales Receipt, 1 Refund Receipt" in note
        for note in loaded.notes
    ), loaded.notes
    entries = [
        (row[0], row[1], row[2], row[3], row[5]) for row in await rows_of(engine, "ledger_entry")
    ]
    assert entries == [
        ("Amy's Bird Sanctuary", d("2025-01-05"), "invoice", "1001", D("300.00")),
        ("Bill's Windsurf Shop", d("2025-01-09"), "invoice", "1003", D("500.00")),
        ("Bill's Windsurf Shop", d("2025-03-12"), "payment", "1021", D("75.00")),
        ("Cool Cars", d("2025-02-03"), "invoice", "1008", D("1200.00")),
        ("Cool Cars", d("2025-02-03"), "payment", "1008", D("1200.00")),
        ("Cool Cars", d("2025-03-20"), "invoice", "1030", D("200.00")),
        ("Cool Cars", d("2025-03-20"), "payment", "1030", D("200.00")),
    ]
    outstanding = {row[0]: row[5] for row in await rows_of(engine, "credit_risk")}
    assert outstanding == {
        "Amy's Bird Sanctuary": D("300.00"),
        "Bill's Windsurf Shop": D("425.00"),
        "Cool Cars": D("0.00"),
    }


async def test_the_no_column_of_quickbooks_outside_the_us_is_the_invoice_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """QuickBooks India's Sales by Customer Detail heads the invoice number `No.`: an invoice
    of two items is one order, not two."""
    path = tmp_path / "Sales by Customer Detail.csv"
    path.write_text(
        "Sales by Customer Detail\nShakti Traders\n1 April - 30 June, 2025\n\n"
        ",Date,Transaction Type,No.,Product/Service,Qty,Sales Price,Amount,Balance\n"
        "Ravi Kumar & Sons\n"
        ',05/04/2025,Invoice,INV-101,Rice,10,"2,500.00","25,000.00","25,000.00"\n'
        ',05/04/2025,Invoice,INV-101,Dal,4,"1,250.50","5,002.00","30,002.00"\n'
        ',18/05/2025,Credit Note,CN-7,Rice,-1,"2,500.00","(2,500.00)","27,502.00"\n'
        'Total for Ravi Kumar & Sons,,,,,,,"Rs 27,502.00",\n'
        'TOTAL,,,,,,,"Rs 27,502.00",\n',
        encoding="utf-8",
    )
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="shakti")
    assert report.columns["invoice"] == "No."
    assert [row[:5] for row in await rows_of(engine, "sale_line")] == [
        ("Ravi Kumar & Sons", d("2025-04-05"), "INV-101", 1, D("25000.00")),
        ("Ravi Kumar & Sons", d("2025-04-05"), "INV-101", 2, D("5002.00")),
        ("Ravi Kumar & Sons", d("2025-05-18"), "CN-7", 1, D("-2500.00")),
    ]
    # One order in the quarter: the invoice, whatever its items (a credit note is none).
    [quarter] = await rows_of(engine, "quarter_segment")
    assert quarter[1:3] == ("2025-Q2", 1)
