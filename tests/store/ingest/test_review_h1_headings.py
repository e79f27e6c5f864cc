"""Review h1 (session 3): QuickBooks Online's Sales by Customer Detail as QuickBooks writes it
for customers named `Total ...` and for sales without a customer (`Not Specified`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
FILE = Path(__file__).parent / "tally" / "qbo_sales_by_customer_detail_total_fitness.csv"


async def test_a_customer_named_total_something_is_a_customer(engine: AsyncEngine) -> None:
    await ingest_file(engine, kind=IngestKind.SALES, path=FILE, app="craig")
    lines = [row[:5] for row in await rows_of(engine, "sale_line")]
    assert ("Total Fitness Ltd", d("2025-01-09"), "1003", 1, D("500.00")) in lines


async def test_not_specified_is_no_customer(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "qbo.csv"
    path.write_text(FILE.read_text().replace("Total Fitness Ltd", "Bill's Windsurf Shop"))
    report = await ingest_file(engine, kind=IngestKind.SALES, path=path, app="craig")
    assert "Skipped 2 lines under `Not Specified` (sales without a customer)" in report.notes
    assert any(
        note.startswith("Customers read from group headings: 2 customers") for note in report.notes
    )
    accounts = {row[0] for row in await rows_of(engine, "account")}
    assert "Not Specified" not in accounts
    assert accounts == {"Amy's Bird Sanctuary", "Bill's Windsurf Shop"}
