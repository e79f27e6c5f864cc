"""QuickBooks Online's Sales by Customer Detail as QuickBooks writes it
for customers named `Total ...` and for sales without a customer (`Not Specified`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import METADATA
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


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_a_reload_empties_the_not_specified_account_an_older_release_made(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    """An older release read `Not Specified` as a customer and made it an account holding the
    file's sales without a customer; this release skips those lines, and a reload of the file
    removes what that account holds of them (by number and date), nothing else."""
    table = "sale_line" if kind is IngestKind.SALES else "ledger_entry"
    await ingest_file(engine, kind=kind, path=FILE, app="craig")
    old = "Not Specified"
    async with engine.begin() as connection:
        await connection.execute(
            insert(METADATA.tables["account"]),
            [{"account_id": old, "app_id": "craig", "name": old}],
        )
        await connection.execute(
            insert(METADATA.tables["party_account"]),
            [{"account_id": old, "app_id": "craig", "party": old}],
        )
        if kind is IngestKind.SALES:
            rows = [
                {"account_id": old, "sale_date": day, "invoice": number, "line": 1, "amount": D(5)}
                for day, number in ((d("2025-02-11"), "1008"), (d("2025-03-04"), "1012"))
            ]
        else:
            rows = [
                {
                    "account_id": old,
                    "entry_date": day,
                    "kind": "invoice",
                    "reference": number,
                    "line": 1,
                    "amount": D(5),
                }
                for day, number in ((d("2025-02-11"), "1008"), (d("2025-03-04"), "1012"))
            ]
            # A Sales Receipt was stored with its payment on the spot.
            rows += [{**row, "kind": "payment"} for row in rows]
        # Another invoice of that account, which this file does not give, stays.
        rows.append({**rows[0], **({"invoice": "9"} if kind is IngestKind.SALES else {})})
        if kind is IngestKind.LEDGER:
            rows[-1]["reference"] = "9"
        await connection.execute(insert(METADATA.tables[table]), rows)

    report = await ingest_file(engine, kind=kind, path=FILE, app="craig")

    number = 2 if kind is IngestKind.SALES else 3
    stored = sorted((row[0], row[number]) for row in await rows_of(engine, table))
    assert stored == [
        ("Amy's Bird Sanctuary", "1001"),
        (old, "9"),
        ("Total Fitness Ltd", "1003"),
    ]
    removed = "2 lines of invoices" if kind is IngestKind.SALES else "4 entries"
    assert any(f"{removed} loaded before" in note for note in report.notes), report.notes
