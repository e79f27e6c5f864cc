"""QuickBooks Online lists a voided invoice in its Sales by Customer
Detail with its amount 0.00 (memo `Voided`). Nothing was sold: it is no order and no purchase,
so Amy's quarter has one order, its last purchase on 5 January."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

FILE = Path(__file__).parent / "tally" / "qbo_sales_by_customer_detail_voided.csv"


async def test_a_voided_invoice_of_zero_is_no_order(engine: AsyncEngine) -> None:
    await ingest_file(engine, kind=IngestKind.SALES, path=FILE, app="craig")
    quarters = {row[1]: row[2] for row in await rows_of(engine, "quarter_segment")}
    assert quarters == {"2025-Q1": 1}
    profiles = {row[0]: row[1:3] for row in await rows_of(engine, "sales_profile")}
    assert profiles["Amy's Bird Sanctuary"] == (d("2025-01-05"), d("2025-01-05"))
