"""A bill paid in installments. Tally's bill-wise ledger names the bill
a receipt settles (`Ref`), so each installment's entry has the bill's number: the 40,000 of 5
March and the 60,000 of 3 May are two payments of SG/24-25/031, not one payment read with day
and month swapped."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.date_setting import DatesOption
from tests.store.sales_support import rows_of

D = Decimal

MARCH = """Shree Ganesh Distributors Pvt. Ltd.
Sundry Debtors - Bill-wise Details
1-Jan-2025 to 31-Mar-2025

Date,Ref,Particulars,Vch Type,Vch No.,Debit,Credit
12-Feb-2025,SG/24-25/031,Sharma Electricals,Sales,SG/24-25/031,"1,00,000.00",
5-Mar-2025,SG/24-25/031,Sharma Electricals,Receipt,RC/101,,"40,000.00"
"""
MAY = """Shree Ganesh Distributors Pvt. Ltd.
Sundry Debtors - Bill-wise Details
1-Apr-2025 to 30-Jun-2025

Date,Ref,Particulars,Vch Type,Vch No.,Debit,Credit
3-May-2025,SG/24-25/031,Sharma Electricals,Receipt,RC/007,,"60,000.00"
"""


@pytest.mark.parametrize("dates", [None, DatesOption.DAY_FIRST])
async def test_two_installments_of_one_bill_are_two_payments(
    engine: AsyncEngine, tmp_path: Path, dates: DatesOption | None
) -> None:
    march = tmp_path / "march.csv"
    march.write_text(MARCH)
    may = tmp_path / "may.csv"
    may.write_text(MAY)
    await ingest_file(engine, kind=IngestKind.LEDGER, path=march, app="g")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=may, app="g", dates=dates)
    payments = sorted(
        (str(row[1]), D(row[5]))
        for row in await rows_of(engine, "ledger_entry")
        if row[2] == "payment"
    )
    assert payments == [("2025-03-05", D("40000.00")), ("2025-05-03", D("60000.00"))]
