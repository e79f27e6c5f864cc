"""Zoho Books' Customer Payments export writes a payment set against several invoices as a row
per invoice, each repeating the payment's whole `Amount`. Without the `Amount Applied to
Invoice` column the ledger load cannot tell what settled each invoice, and counting the
repeated amount once per row would count the payment several times: the file is refused in one
line that says which column to add, and nothing is written (on both stores). The counting with
that column is tested through the API (`tests/server/test_zoho_ledger_credit_risk.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file

REPEATED_WITHOUT_APPLIED = (
    "Payment Number,CustomerID,Customer Name,Payment Type,Date,Amount,Invoice Number\n"
    "1,7001,Zylker Foods,Invoice Payment,2025-05-20,26800.00,INV-000001\n"
    "1,7001,Zylker Foods,Invoice Payment,2025-05-20,26800.00,INV-000003\n"
    "2,7002,Bright Traders,Invoice Payment,2025-06-30,1000.00,INV-000002\n"
)


async def test_a_payment_repeated_over_its_invoices_without_applied_amounts_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "Customer Payment.csv"
    path.write_text(REPEATED_WITHOUT_APPLIED, encoding="utf-8")
    with pytest.raises(FileRejected, match="Amount Applied to Invoice") as refused:
        await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="zoho")
    assert "\n" not in str(refused.value)
    assert "payment 1 " in str(refused.value)
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM ledger_entry"))).scalar()
    assert count == 0


async def test_payments_each_on_one_row_load_without_applied_amounts(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "Customer Payment.csv"
    one_each = REPEATED_WITHOUT_APPLIED.replace(
        "1,7001,Zylker Foods,Invoice Payment,2025-05-20,26800.00,INV-000003\n", ""
    )
    path.write_text(one_each, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="zoho")
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM ledger_entry"))).scalar()
    assert count == 2


async def test_a_sales_load_of_the_payments_export_still_skips_them(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "Customer Payment.csv"
    path.write_text(REPEATED_WITHOUT_APPLIED, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="zoho")
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM sale_line"))).scalar()
    assert count == 0
