"""The `Not Specified` account an older release made of QuickBooks' sales without a customer:
once the reload that removes its lines leaves it holding nothing (no line, no ledger entry, no
metric, no company, nothing of its own), the same load removes it, with a note; an account
that holds anything stays."""

from __future__ import annotations

import datetime as dt
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
OLD = "Not Specified"
GONE = "Removed the account `Not Specified` of app craig"


async def _older_release(engine: AsyncEngine, kind: IngestKind, extra: str | None) -> None:
    """What an older release left: the account, its party link and the file's two sales
    without a customer under it; and `extra`, something else the account holds."""
    async with engine.begin() as connection:
        await connection.execute(
            insert(METADATA.tables["account"]),
            [{"account_id": OLD, "app_id": "craig", "name": OLD}],
        )
        await connection.execute(
            insert(METADATA.tables["party_account"]),
            [{"account_id": OLD, "app_id": "craig", "party": OLD}],
        )
        keys = ((d("2025-02-11"), "1008"), (d("2025-03-04"), "1012"))
        if kind is IngestKind.SALES:
            await connection.execute(
                insert(METADATA.tables["sale_line"]),
                [
                    {"account_id": OLD, "sale_date": day, "invoice": n, "line": 1, "amount": D(5)}
                    for day, n in keys
                ],
            )
        else:
            await connection.execute(
                insert(METADATA.tables["ledger_entry"]),
                [
                    {
                        "account_id": OLD,
                        "entry_date": day,
                        "kind": entry,
                        "reference": n,
                        "line": 1,
                        "amount": D(5),
                    }
                    for day, n in keys
                    for entry in ("invoice", "payment")
                ],
            )
        if extra == "company":
            await connection.execute(
                insert(METADATA.tables["company"]),
                [{"company_id": "walk-in", "account_id": OLD, "name": "Walk-in sales"}],
            )
        if extra == "metric":
            await connection.execute(
                insert(METADATA.tables["metric_definition"]),
                [{"name": "visits", "unit": "count"}],
            )
            await connection.execute(
                insert(METADATA.tables["metric_value"]),
                [
                    {
                        "level": "account",
                        "entity_id": OLD,
                        "metric_name": "visits",
                        "effective_date": dt.date(2025, 1, 1),
                        "value": D(3),
                    }
                ],
            )


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_the_emptied_not_specified_account_is_removed_in_the_same_load(
    engine: AsyncEngine, kind: IngestKind
) -> None:
    await ingest_file(engine, kind=kind, path=FILE, app="craig")
    await _older_release(engine, kind, None)
    report = await ingest_file(engine, kind=kind, path=FILE, app="craig")
    assert {row[0] for row in await rows_of(engine, "account")} == {
        "Amy's Bird Sanctuary",
        "Total Fitness Ltd",
    }
    assert OLD not in {row[0] for row in await rows_of(engine, "party_account")}
    assert any(note.startswith(GONE) for note in report.notes), report.notes
    # Loading it again changes nothing and says nothing of the account.
    again = await ingest_file(engine, kind=kind, path=FILE, app="craig")
    assert not any(note.startswith(GONE) for note in again.notes), again.notes


@pytest.mark.parametrize("extra", ["company", "metric"])
@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_a_not_specified_account_that_holds_anything_stays(
    engine: AsyncEngine, kind: IngestKind, extra: str
) -> None:
    await ingest_file(engine, kind=kind, path=FILE, app="craig")
    await _older_release(engine, kind, extra)
    report = await ingest_file(engine, kind=kind, path=FILE, app="craig")
    assert OLD in {row[0] for row in await rows_of(engine, "account")}
    assert not any(note.startswith(GONE) for note in report.notes), report.notes
    table = "sale_line" if kind is IngestKind.SALES else "ledger_entry"
    assert OLD not in {row[0] for row in await rows_of(engine, table)}
