"""Zoho Books exports each document type on its own, without a type column: the number
column's name says what every line is (`Invoice Number` beside `Invoice Status`, `Sales Receipt
Number`, `Credit Note Number`), so its lines keep that type, and a credit note is a return. A
plain file's `Invoice Number` says nothing of a type: its lines stay untyped, as before."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.export_voucher_types import number_column_type
from store.ingest import IngestKind, ingest_file
from store.tables import METADATA

D = Decimal
FIXTURES = Path(__file__).parent / "tally"
ZOHO_WITH_VOID = FIXTURES / "zoho_with_void.csv"
CREDIT_NOTES = (
    "Credit Note Date,Credit Note Number,Credit Note Status,Customer Name,Customer ID,"
    "Currency Code,Exchange Rate,SubTotal,Total,Balance,Item Name,Quantity,Item Price,Item Total\n"
    "2024-05-03,CN-00001,Closed,Zenith Foods,460000000010001,INR,1,2000.00,2360.00,0.00,"
    "Rice 25kg,2,1000.00,2000.00\n"
)
SALES_RECEIPTS = (
    "Receipt Date,Sales Receipt Number,Customer Name,Customer ID,Currency Code,Exchange Rate,"
    "Payment Mode,SubTotal,Total,Item Name,Quantity,Item Price,Item Total\n"
    "2024-05-09,SR-00001,Zenith Foods,460000000010001,INR,1,Cash,3000.00,3540.00,Rice 25kg,1,"
    "1000.00,1000.00\n"
    "2024-05-09,SR-00001,Zenith Foods,460000000010001,INR,1,Cash,3000.00,3540.00,Sugar 50kg,1,"
    "2000.00,2000.00\n"
)
PLAIN = "Date,Customer,Invoice Number,Amount\n2024-04-02,Zenith Foods,INV-000001,500\n"


async def _lines(engine: AsyncEngine) -> list[tuple[str, str, Decimal, str | None]]:
    table = METADATA.tables["sale_line"]
    async with engine.connect() as connection:
        result = await connection.execute(
            select(table.c.account_id, table.c.invoice, table.c.amount, table.c.voucher_type)
        )
        return sorted((row[0], row[1], D(str(row[2])), row[3]) for row in result)


async def test_a_zoho_credit_note_export_is_returns_numbered_by_its_column(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "credit_notes.csv"
    path.write_text(CREDIT_NOTES, encoding="utf-8")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="zoho")
    assert await _lines(engine) == [("460000000010001", "CN-00001", D("-2000.00"), "credit note")]
    assert report.columns["invoice"] == "Credit Note Number"
    assert "credit" not in report.columns
    assert any(
        "Every line is a Credit Note (returns, counted negative)" in note for note in report.notes
    ), report.notes


async def test_a_zoho_sales_receipt_export_is_one_order_per_receipt(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "sales_receipts.csv"
    path.write_text(SALES_RECEIPTS, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="zoho")
    assert await _lines(engine) == [
        ("460000000010001", "SR-00001", D("1000.00"), "sales receipt"),
        ("460000000010001", "SR-00001", D("2000.00"), "sales receipt"),
    ]
    segments = METADATA.tables["quarter_segment"]
    async with engine.connect() as connection:
        orders = (await connection.execute(select(segments.c.orders))).scalars().all()
    assert orders == [1]


async def test_zoho_invoices_are_typed_and_a_plain_file_is_not(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    report = await ingest_file(engine, kind=IngestKind.SALES, path=ZOHO_WITH_VOID, app="zoho")
    assert {row[3] for row in await _lines(engine)} == {"invoice"}
    # The note reads as English: "an Invoice", not "a Invoice".
    assert any(note.startswith("Every line is an Invoice (sales)") for note in report.notes), (
        report.notes
    )
    plain = tmp_path / "plain.csv"
    plain.write_text(PLAIN, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=plain, app="plain")
    # No known type: "" in a sale line's key (revision 0026).
    assert ("Zenith Foods", "INV-000001", D("500.00"), "") in await _lines(engine)


async def test_a_zoho_sales_receipt_never_re_dates_an_invoice_of_its_number(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Numbered apart (here both `7`): the receipt is a voucher of its own."""
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(
        "Invoice Date,Invoice Number,Invoice Status,Customer Name,SubTotal\n"
        "2024-04-02,7,Paid,Zenith Foods,500.00\n",
        encoding="utf-8",
    )
    receipts = tmp_path / "receipts.csv"
    receipts.write_text(
        "Receipt Date,Sales Receipt Number,Customer Name,SubTotal\n"
        "2024-05-09,7,Zenith Foods,300.00\n",
        encoding="utf-8",
    )
    await ingest_file(engine, kind=IngestKind.SALES, path=invoices, app="zoho")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=receipts, app="zoho")
    assert not any("re-dated" in note for note in report.notes), report.notes
    assert await _lines(engine) == [
        ("Zenith Foods", "7", D("300.00"), "sales receipt"),
        ("Zenith Foods", "7", D("500.00"), "invoice"),
    ]


@pytest.mark.parametrize(
    ("number", "status", "expected"),
    [
        ("Sales Receipt Number", None, "Sales Receipt"),
        ("sales_receipt_no", None, "Sales Receipt"),
        ("Credit Note Number", "Credit Note Status", "Credit Note"),
        ("CreditNote Number", None, "Credit Note"),
        ("Invoice Number", "Invoice Status", "Invoice"),
        ("Invoice Number", None, None),
        ("Invoice Number", "Status", None),
        ("Vch No.", None, None),
        (None, None, None),
    ],
)
def test_number_column_types(number: str | None, status: str | None, expected: str | None) -> None:
    assert number_column_type(number, status) == expected
