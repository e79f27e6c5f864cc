"""Zoho Books' invoice export as Zoho writes it: beside `Invoice Number` and `Invoice Status`
it has `Discount Type` (`entity_level` or `item_level`), `Item Tax Type` and the like. Those
say how a discount or a tax is applied, not what the voucher is: none of them is the file's
voucher type or a ledger's kind. Taken for one, an invoice whose discount moved from the
invoice to its items was refused on reload as "a voucher numbered apart", and every row of a
ledger load was refused as neither an invoice nor a payment."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.export_columns import KIND, VOUCHER_TYPE
from store.ingest import IngestKind, ingest_file
from store.tables import METADATA

D = Decimal
# The columns of Zoho Books' Invoice.csv up to the items, in its order (a few left out).
HEADER = (
    *("Invoice Date", "Invoice ID", "Invoice Number", "Invoice Status", "Customer ID"),
    *("Customer Name", "Is Inclusive Tax", "Due Date", "PurchaseOrder", "Currency Code"),
    *("Exchange Rate", "Discount Type", "Is Discount Before Tax", "Template Name"),
    *("Entity Discount Percent", "SubTotal", "Total", "Balance", "Adjustment"),
    *("Payment Terms", "Payment Terms Label", "Item Name", "Quantity", "Discount"),
    *("Item Total", "Usage unit", "Item Price", "Item Tax", "Item Tax %", "Item Tax Amount"),
    *("Item Tax Type", "HSN/SAC", "GST Treatment", "Place of Supply"),
)


def invoice_export(folder: Path, name: str, discount_type: str) -> Path:
    rows = [
        (
            *("2025-04-04", "3000000012345", "INV-000101", "Paid", "3000000000101"),
            *("Mehta Textiles", "false", "2025-05-04", "", "INR", "1.000000", discount_type),
            *("true", "Standard", "0.00", "12450.00", "13072.50", "0.00", "0.00", "30"),
            *("Net 30", item, quantity, "0.00", total, "pcs", price, "GST5", "5.00", tax),
            *("ItemAmount", "5208", "business_gst", "MH"),
        )
        for item, quantity, price, total, tax in (
            ("Cotton Fabric", "100.00", "120.00", "12000.00", "600.00"),
            ("Dye", "10.00", "45.00", "450.00", "22.50"),
        )
    ]
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


async def _lines(engine: AsyncEngine) -> list[tuple[str, str, Decimal, str | None]]:
    table = METADATA.tables["sale_line"]
    async with engine.connect() as connection:
        result = await connection.execute(
            select(table.c.account_id, table.c.invoice, table.c.amount, table.c.voucher_type)
        )
        return sorted((row[0], row[1], D(str(row[2])), row[3]) for row in result)


@pytest.mark.parametrize(
    "column",
    ["Discount Type", "Item Tax Type", "Tax Type", "Customer Type", "Item Type", "GST Type"],
)
def test_a_column_of_how_a_discount_or_tax_applies_is_no_voucher_type(column: str) -> None:
    for role in (VOUCHER_TYPE, KIND):
        assert role.exact_rank(column) is None, (role.name, column)
        assert role.word_match(column) is None, (role.name, column)


def test_the_voucher_type_columns_are_still_recognised() -> None:
    for column in ("Vch Type", "Voucher Type", "Transaction Type", "Type", "Document Type"):
        assert VOUCHER_TYPE.exact_rank(column) is not None or VOUCHER_TYPE.word_match(column)
        assert KIND.exact_rank(column) is not None or KIND.word_match(column)


async def test_a_zoho_invoice_export_is_typed_by_its_number_column_not_its_discount_type(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    first = invoice_export(tmp_path, "Invoice.csv", "entity_level")
    report = await ingest_file(engine, kind=IngestKind.SALES, path=first, app="zoho")
    assert "voucher_type" not in report.columns, report.columns
    assert await _lines(engine) == [
        ("3000000000101", "INV-000101", D("450.00"), "invoice"),
        ("3000000000101", "INV-000101", D("12000.00"), "invoice"),
    ]
    # The same invoice re-exported after its discount was moved onto its items.
    again = invoice_export(tmp_path, "Invoice (1).csv", "item_level")
    await ingest_file(engine, kind=IngestKind.SALES, path=again, app="zoho")
    assert len(await _lines(engine)) == 2


async def test_a_zoho_invoice_export_loaded_as_a_ledger_takes_no_kind_from_its_discount_type(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = invoice_export(tmp_path, "Invoice.csv", "entity_level")
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="zoho")
    # Typed by `Invoice Number` beside `Invoice Status`, not by `entity_level`: one invoice,
    # its `Total` (taxes included) once, not its two items' `Item Total`.
    assert "kind" not in report.columns, report.columns
    assert report.columns["amount"] == "Total"
    table = METADATA.tables["ledger_entry"]
    async with engine.connect() as connection:
        result = await connection.execute(
            select(table.c.account_id, table.c.kind, table.c.reference, table.c.amount)
        )
        rows = [(row[0], row[1], row[2], D(str(row[3]))) for row in result]
    assert rows == [("3000000000101", "invoice", "INV-000101", D("13072.50"))]
