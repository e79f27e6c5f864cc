"""A receipt that names no bill settles the oldest open invoices (README, Credit risk: a
payment names its invoice only in a bill column). Tally numbers each voucher type apart, so a
Day Book's `Receipt 2` and `Sales 2` both exist; the receipt is stored under its own number
(`ledger_entry.reference`), and the credit measures took that number for the bill it settles:
`Receipt 2` paid `Sales 2` rather than the older `Sales 1`.

Each entry now records whether its reference is a bill it names or its own number
(`ledger_entry.reference_is_bill`, revision 0031): `voucher_number` NULL alone cannot tell a Day
Book's receipt from one of a bill-wise ledger exported without its Vch No. column."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import CREDIT_RISK_TABLE

DAY_BOOK = (
    "Kaveri Traders\n"
    "Day Book\n"
    "1-Apr-2025 to 30-Jun-2025\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    '1-Apr-2025,Lotus Retail,Sales,1,"10,000.00",\n'
    '1-May-2025,Lotus Retail,Sales,2,"10,000.00",\n'
    '5-May-2025,Lotus Retail,Receipt,2,,"10,000.00"\n'
    '30-Jun-2025,Lotus Retail,Receipt,3,,"10,000.00"\n'
)


async def test_a_receipt_naming_no_bill_settles_the_oldest_invoice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "Day Book.csv"
    path.write_text(DAY_BOOK, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")
    risk = CREDIT_RISK_TABLE.c
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(risk.overdue_share, risk.average_days_late).where(
                    risk.account_id == "Lotus Retail"
                )
            )
        ).one()
    # By hand, oldest first: Receipt 2 (5 May) pays Sales 1 (due 1 May: 4 days late),
    # Receipt 3 (30 June) pays Sales 2 (due 31 May: 30 days late). Taking Receipt 2 for
    # Sales 2's payment gives 0 and 60 days instead: share 0.5, 30 days.
    assert row.overdue_share == pytest.approx(1.0)
    assert row.average_days_late == pytest.approx((10_000 * 4 + 10_000 * 30) / 20_000)


async def _lateness(engine: AsyncEngine, account: str) -> tuple[float, float]:
    risk = CREDIT_RISK_TABLE.c
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(risk.overdue_share, risk.average_days_late).where(risk.account_id == account)
            )
        ).one()
    return float(row.overdue_share), float(row.average_days_late)


# Zoho Books' invoices as a ledger, then its Customer Payments export: each payment's
# `Invoice Number` is the invoice it pays (its own number is `Payment Number`).
ZOHO_INVOICES = (
    "Date,Customer ID,Customer Name,Kind,Invoice,Amount\n"
    "2025-04-01,7001,Zylker Foods,invoice,INV-000001,10000.00\n"
    "2025-05-01,7001,Zylker Foods,invoice,INV-000002,10000.00\n"
)
ZOHO_PAYMENTS = (
    "Payment Number,Mode,CustomerID,Customer Name,Payment Type,Date,Amount,Invoice Number\n"
    "2,Bank Transfer,7001,Zylker Foods,Invoice Payment,2025-05-05,10000.00,INV-000002\n"
    "3,Bank Transfer,7001,Zylker Foods,Invoice Payment,2025-06-30,10000.00,INV-000001\n"
)
# QuickBooks' transactions by customer: a payment's `Num` is its own reference number.
QUICKBOOKS = (
    "Date,Transaction Type,Num,Name,Amount\n"
    "04/01/2025,Invoice,1,Cool Cars,10000.00\n"
    "05/01/2025,Invoice,2,Cool Cars,10000.00\n"
    "05/05/2025,Payment,2,Cool Cars,-10000.00\n"
    "06/30/2025,Payment,3,Cool Cars,-10000.00\n"
)


async def test_a_payments_export_pays_the_invoice_its_invoice_number_names(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    for name, text in (("Invoice.csv", ZOHO_INVOICES), ("Customer_Payment.csv", ZOHO_PAYMENTS)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="zoho")
    # Payment 2 (5 May) pays INV-000002 (due 31 May: on time), payment 3 (30 June) pays
    # INV-000001 (due 1 May: 60 days late): half of it overdue, 30 days on average.
    assert await _lateness(engine, "7001") == pytest.approx((0.5, 30.0))


async def test_a_payment_under_its_own_num_settles_the_oldest_invoice(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "Transaction List by Customer.csv"
    path.write_text(QUICKBOOKS, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="qbo")
    # As the Day Book's receipts: 4 and 30 days late, all of it overdue.
    assert await _lateness(engine, "Cool Cars") == pytest.approx((1.0, 17.0))
