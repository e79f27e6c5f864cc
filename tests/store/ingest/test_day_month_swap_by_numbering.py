"""The day-and-month swap check against Tally's own numbering.

Tally restarts voucher numbers each financial year (April to March) and writes dates with
the month's name (`10-Mar-24`), which no reading can swap. Sales 8 of 10 March 2024 (FY 23-24)
and Sales 8 of 3 October 2024 (FY 24-25) of one customer are two invoices: the second load is
refused as a misread, and `--dates day-first`, as the refusal advises, deletes the first."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal

FY_23_24 = """Kaveri Distributors Pvt Ltd
Day Book
1-Apr-23 to 31-Mar-24

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
14-Jun-23,Kaveri Traders,Sales,3,"40,000.00",
10-Mar-24,Kaveri Traders,Sales,8,"1,20,000.00",
"""
FY_24_25 = """Kaveri Distributors Pvt Ltd
Day Book
1-Apr-24 to 31-Mar-25

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
3-Oct-24,Kaveri Traders,Sales,8,"75,000.00",
"""


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_a_number_of_the_next_financial_year_is_another_invoice(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    first = tmp_path / "fy2324.csv"
    first.write_text(FY_23_24)
    second = tmp_path / "fy2425.csv"
    second.write_text(FY_24_25)
    await ingest_file(engine, kind=kind, path=first, app="distrib")
    await ingest_file(engine, kind=kind, path=second, app="distrib")
    table = "sale_line" if kind is IngestKind.SALES else "ledger_entry"
    amount = 4 if kind is IngestKind.SALES else 5
    stored = sorted((str(row[1]), D(row[amount])) for row in await rows_of(engine, table))
    assert stored == [
        ("2023-06-14", D("40000.00")),
        ("2024-03-10", D("120000.00")),
        ("2024-10-03", D("75000.00")),
    ]
