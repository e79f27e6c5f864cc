"""Zoho Books' Customer Payments export whose template left out its `Payment Type` column:
its `Payment Number` beside Zoho's `CustomerID` says every line is a payment, so it loads as
a ledger exactly as with that column, and as sales it writes nothing (payments are no
sales). A file numbering payments that is not Zoho's export is refused in one line saying
so, not as a list of invoices (on both stores)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.export_voucher_types import payment_number_column
from store.ingest import FileRejected, IngestKind, ingest_file
from tests.store.ingest.zoho_exports import HEADER, PAYMENTS, ROWS
from tests.store.sales_support import rows_of


def _without_payment_type(text: str) -> str:
    """The export with its fifth column (`Payment Type`) left out."""
    lines = [line.split(",") for line in text.splitlines()]
    assert lines[0][4] == "Payment Type"
    return "".join(",".join(cells[:4] + cells[5:]) + "\n" for cells in lines)


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_payments_without_their_type_column_load_as_payments(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(
        engine,
        kind=IngestKind.LEDGER,
        path=_file(tmp_path, "Invoice.csv", HEADER + ROWS),
        app="zoho",
    )
    untyped = _file(tmp_path, "Customer Payment.csv", _without_payment_type(PAYMENTS))
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=untyped, app="zoho")
    assert (
        "Every line is an invoice payment: the number column 'Payment Number' says so "
        "(no type column)"
    ) in report.notes
    entries = await rows_of(engine, "ledger_entry")
    risks = await rows_of(engine, "credit_risk")
    assert len(entries) == 3 + 3  # the three invoices, the three payments
    # The export with its `Payment Type` column is the same payments: reloading it changes
    # nothing.
    typed = _file(tmp_path, "Customer Payment (typed).csv", PAYMENTS)
    await ingest_file(engine, kind=IngestKind.LEDGER, path=typed, app="zoho")
    assert await rows_of(engine, "ledger_entry") == entries
    assert await rows_of(engine, "credit_risk") == risks


async def test_payments_without_their_type_column_are_no_sales(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    untyped = _file(tmp_path, "Customer Payment.csv", _without_payment_type(PAYMENTS))
    report = await ingest_file(engine, kind=IngestKind.SALES, path=untyped, app="zoho")
    assert "Skipped lines whose voucher type is not a sale: 3 Invoice Payment" in report.notes
    assert await rows_of(engine, "sale_line") == []


async def test_a_file_numbering_payments_is_not_called_a_list_of_invoices(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    own = _file(
        tmp_path,
        "receipts.csv",
        "Payment Number,Customer Name,Date,Amount,Invoice Number\n"
        "1,Zylker Foods,2025-05-20,16800.00,INV-000001\n",
    )
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=IngestKind.LEDGER, path=own, app="zoho")
    message = str(refused.value)
    assert "\n" not in message
    assert "loads as sales" not in message
    assert "'Payment Number' numbers payments, so this is no list of invoices" in message
    assert await rows_of(engine, "ledger_entry") == []


@given(
    others=st.lists(
        st.sampled_from(["Mode", "Customer Name", "Date", "Amount", "Invoice Number", "Memo"]),
        unique=True,
    ),
    number=st.sampled_from(["Payment Number", "payment no", "PAYMENT_NUMBER", "Payment Num"]),
    customer_id=st.sampled_from(["CustomerID", "Customer ID", None]),
)
def test_only_zoho_s_customer_id_makes_a_payment_number_type_every_line(
    others: list[str], number: str, customer_id: str | None
) -> None:
    header = [*others, number, *([customer_id] if customer_id else [])]
    assert payment_number_column(header) == (number if customer_id else None)
    assert payment_number_column([name for name in header if name != number]) is None
