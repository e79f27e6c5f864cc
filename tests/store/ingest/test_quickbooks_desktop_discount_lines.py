"""QuickBooks Desktop's Sales by Customer Detail writes an invoice's
discount item as a negative line of the invoice (`Discount`, `-10.0%`, `-30.00`). Loaded as a
ledger, the invoice is owed net of it: 270.00."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import rows_of

D = Decimal
FILE = Path(__file__).parent / "tally" / "qbd_sales_by_customer_detail_discount.csv"


async def test_a_discount_line_nets_its_invoice_in_a_ledger(engine: AsyncEngine) -> None:
    await ingest_file(engine, kind=IngestKind.LEDGER, path=FILE, app="qb")
    entries = await rows_of(engine, "ledger_entry")
    owed = sum(D(row[5]) for row in entries if row[2] == "invoice")
    paid = sum(D(row[5]) for row in entries if row[2] == "payment")
    assert (owed, paid) == (D("270.00"), D("0"))
    outstanding = {row[0]: D(row[5]) for row in await rows_of(engine, "credit_risk")}
    assert outstanding == {"Amy's Bird Sanctuary": D("270.00")}


ITEMS = FILE.with_name("qbd_sales_by_customer_detail_discount_items.csv")


async def test_a_discount_larger_than_the_last_item_nets_its_invoice(engine: AsyncEngine) -> None:
    """A discount of the whole invoice follows its last item, which may be smaller than it
    (a 10% discount of 315.00 after a shipping line of 15.00): it lowers the invoice, where the
    load was refused as a negative line."""
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=ITEMS, app="qb")
    assert report.rows_written == 6
    entries = await rows_of(engine, "ledger_entry")
    owed = sum(D(row[5]) for row in entries if row[2] == "invoice")
    paid = sum(D(row[5]) for row in entries if row[2] == "payment")
    # Invoice 1002: 300.00 + 15.00 - 31.50; Sales Receipt 1003, paid on the spot: 140.00 - 28.00.
    assert (owed, paid) == (D("395.50"), D("112.00"))
    outstanding = {row[0]: D(row[5]) for row in await rows_of(engine, "credit_risk")}
    assert outstanding == {"Amy's Bird Sanctuary": D("283.50")}
