"""Invoice numbers that the stored lines cannot tell apart.

Tally numbers each voucher type apart (`Sales` and `Export Sales` both run from 1 each
financial year, by default), QuickBooks Desktop numbers invoices apart from sales receipts.
A month's Day Book with `Sales 7` and the next month's with `Export Sales 7` of the same
customer are two invoices: both must count."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal

APRIL = """Kaveri Distributors Pvt Ltd
"12, MG Road, Bengaluru"
Day Book
1-Apr-25 to 30-Apr-25

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
3-Apr-25,Kaveri Traders,Sales,7,"1,20,000.00",
9-Apr-25,Sharma Electricals,Sales,8,"45,000.00",
"""

MAY = """Kaveri Distributors Pvt Ltd
"12, MG Road, Bengaluru"
Day Book
1-May-25 to 31-May-25

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
6-May-25,Kaveri Traders,Export Sales,7,"80,000.00",
20-May-25,Kaveri Traders,Receipt,1,,"1,20,000.00"
"""


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_two_voucher_types_numbered_apart_are_two_invoices(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    await ingest_file(engine, kind=kind, path=_file(tmp_path, "april.csv", APRIL), app="distrib")
    await ingest_file(engine, kind=kind, path=_file(tmp_path, "may.csv", MAY), app="distrib")
    table = "sale_line" if kind is IngestKind.SALES else "ledger_entry"
    kaveri = [row for row in await rows_of(engine, table) if row[0] == "Kaveri Traders"]
    invoiced = sorted(
        (str(row[1]), D(row[4] if kind is IngestKind.SALES else row[5]))
        for row in kaveri
        if kind is IngestKind.SALES or row[2] == "invoice"
    )
    assert invoiced == [("2025-04-03", D("120000.00")), ("2025-05-06", D("80000.00"))]


QUICKBOOKS_Q1 = """Craig's Design and Landscaping Services
Sales by Customer Detail
"January - March, 2025"

,Type,Date,Num,Memo,Item,Qty,Sales Price,Amount,Balance
Cool Cars,,,,,,,,,
,Invoice,01/10/2025,5,Pest control,Pest Control,1,"1,000.00","1,000.00","1,000.00"
Total for Cool Cars,,,,,,,,"$1,000.00",
TOTAL,,,,,,,,"$1,000.00",
"""
QUICKBOOKS_Q2 = """Craig's Design and Landscaping Services
Sales by Customer Detail
"April - June, 2025"

,Type,Date,Num,Memo,Item,Qty,Sales Price,Amount,Balance
Cool Cars,,,,,,,,,
,Sales Receipt,04/03/2025,5,,Rocks,1,200.00,200.00,200.00
Total for Cool Cars,,,,,,,,$200.00,
TOTAL,,,,,,,,$200.00,
"""


async def test_quickbooks_desktop_numbers_sales_receipts_apart_from_invoices(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """QuickBooks Desktop's Invoice 5 of January and Sales Receipt 5 of April (each type has
    its own numbers) are two sales: the April report says nothing of January."""
    for name, text in (("q1.csv", QUICKBOOKS_Q1), ("q2.csv", QUICKBOOKS_Q2)):
        await ingest_file(
            engine, kind=IngestKind.SALES, path=_file(tmp_path, name, text), app="craig"
        )
    sales = sorted((str(row[1]), D(row[4])) for row in await rows_of(engine, "sale_line"))
    assert sales == [("2025-01-10", D("1000.00")), ("2025-04-03", D("200.00"))]
