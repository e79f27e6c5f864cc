"""Review h1 (session 3): QuickBooks Online's Sales by Customer Detail as QuickBooks writes it
for customers named `Total ...` and for sales without a customer (`Not Specified`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
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


NAMED = FILE.with_name("qbd_sales_by_customer_detail_not_specified.csv")


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_not_specified_lines_are_skipped_beside_a_customer_column(
    engine: AsyncEngine, kind: IngestKind
) -> None:
    """With a customer column (QuickBooks Desktop's `Name`), the lines under `Not Specified`
    have an empty customer: skipped and said, where each refused the whole file."""
    report = await ingest_file(engine, kind=kind, path=NAMED, app="craig")
    assert "Skipped 1 line under `Not Specified` (sales without a customer)" in report.notes
    accounts = {row[0] for row in await rows_of(engine, "account")}
    assert accounts == {"Amy's Bird Sanctuary"}
    table = "sale_line" if kind is IngestKind.SALES else "ledger_entry"
    assert [row[0] for row in await rows_of(engine, table)] == ["Amy's Bird Sanctuary"]
