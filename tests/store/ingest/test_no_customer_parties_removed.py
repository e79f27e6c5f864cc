"""Parties an older release made customers of a Tally Day Book, which this release skips as no
customer (`Cash`, a cash ledger; an expense paid, `Office Rent`): reloading the same Day Book
removes the sale lines and ledger entries that release stored under them for the file's
vouchers, and the account once it holds nothing, each with a line that names it. An account
that holds anything else stays; a customer's lines are never touched."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import METADATA
from tests.store.sales_support import rows_of

D = Decimal
APP = "tally"
DAY_BOOK = """Kaveri Enterprises Pvt Ltd
12 MG Road, Bengaluru
Day Book
1-Apr-24 to 30-Jun-24

Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
1-Apr-24,Sharma Electricals,Sales,1,"1,18,000.00",
5-Apr-24,Gupta Traders,Sales,2,"59,000.00",
10-Apr-24,Cash,Sales,3,"5,900.00",
20-Apr-24,Sharma Electricals,Receipt,1,,"1,18,000.00"
2-May-24,Bharat Steel Suppliers,Purchase,1,,"40,000.00"
15-May-24,Gupta Traders,Sales,4,"23,600.00",
1-Jun-24,Gupta Traders,Receipt,2,,"59,000.00"
10-Jun-24,Patel Stores,Sales,5,"35,400.00",
12-Jun-24,Office Rent,Payment,1,"20,000.00",
20-Jun-24,Patel Stores,Credit Note,1,,"5,900.00"
,,,,"2,61,900.00","2,22,900.00"
"""
CUSTOMERS = {"Sharma Electricals", "Gupta Traders", "Patel Stores"}
CASH_GONE = "Removed the account `Cash` of app tally: an older release made it of a party"
LINES_GONE = "an older release stored under "


def _day_book(folder: Path) -> Path:
    path = folder / "Day Book.csv"
    path.write_text(DAY_BOOK, encoding="utf-8")
    return path


async def _older_release(engine: AsyncEngine, kind: IngestKind, *, company: bool) -> None:
    """What the release that took every party for a customer stored of the Day Book, as it
    stored it (no book, no voucher type: the columns its rows have since upgrading): `Cash`
    and its cash sale; as sales, the supplier's purchase as a return and the rent paid as a
    sale; as a ledger, the rent paid (it refused purchases); with `company`, a company of
    `Cash` too (something else it holds)."""
    parties: list[tuple[str, dt.date, str, str, Decimal]] = [
        ("Cash", dt.date(2024, 4, 10), "3", "invoice", D("5900.00"))
    ]
    if kind is IngestKind.SALES:
        parties.append(("Bharat Steel Suppliers", dt.date(2024, 5, 2), "1", "", D("-40000.00")))
        parties.append(("Office Rent", dt.date(2024, 6, 12), "1", "", D("20000.00")))
    else:
        parties.append(("Office Rent", dt.date(2024, 6, 12), "1", "payment", D("20000.00")))
    tables = METADATA.tables
    async with engine.begin() as connection:
        names = sorted({party for party, *_rest in parties})
        await connection.execute(
            insert(tables["account"]),
            [{"account_id": name, "app_id": APP, "name": name} for name in names],
        )
        await connection.execute(
            insert(tables["party_account"]),
            [{"account_id": name, "app_id": APP, "party": name} for name in names],
        )
        rows: list[dict[str, Any]]
        if kind is IngestKind.SALES:
            rows = [
                {"account_id": party, "sale_date": day, "invoice": n, "line": 1, "amount": amount}
                for party, day, n, _entry, amount in parties
            ]
            await connection.execute(insert(tables["sale_line"]), rows)
        else:
            rows = [
                {
                    "account_id": party,
                    "entry_date": day,
                    "kind": entry,
                    "reference": n,
                    "line": 1,
                    "amount": amount,
                }
                for party, day, n, entry, amount in parties
            ]
            await connection.execute(insert(tables["ledger_entry"]), rows)
        if company:
            await connection.execute(
                insert(tables["company"]),
                [{"company_id": "cash-counter", "account_id": "Cash", "name": "Cash counter"}],
            )


def _table(kind: IngestKind) -> str:
    return "sale_line" if kind is IngestKind.SALES else "ledger_entry"


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_a_reload_removes_what_an_older_release_stored_under_no_customer(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    path = _day_book(tmp_path)
    await ingest_file(engine, kind=kind, path=path, app=APP)
    before = sorted(await rows_of(engine, _table(kind)))
    await _older_release(engine, kind, company=False)
    report = await ingest_file(engine, kind=kind, path=path, app=APP)
    assert {row[0] for row in await rows_of(engine, "account")} == CUSTOMERS
    assert {row[0] for row in await rows_of(engine, "party_account")} <= CUSTOMERS
    # The customers' lines are those the file gives, as before.
    assert sorted(await rows_of(engine, _table(kind))) == before
    others = (
        ["Office Rent"] if kind is IngestKind.LEDGER else ["Bharat Steel Suppliers", "Office Rent"]
    )
    lines_gone = [note for note in report.notes if LINES_GONE in note]
    assert len(lines_gone) == 1, report.notes
    assert lines_gone[0].startswith(f"Removed {len(others) + 1} "), lines_gone
    assert "`Cash`" in lines_gone[0], lines_gone
    assert any(note.startswith(CASH_GONE) for note in report.notes), report.notes
    for party in others:
        gone = f"Removed the account `{party}` of app tally: an older release made it of a party"
        assert any(note.startswith(gone) for note in report.notes), (party, report.notes)
    # Loading it again changes nothing and says nothing of them.
    again = await ingest_file(engine, kind=kind, path=path, app=APP)
    assert not any("older release" in note for note in again.notes), again.notes


@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER])
async def test_a_no_customer_account_that_holds_anything_else_stays(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    path = _day_book(tmp_path)
    await ingest_file(engine, kind=kind, path=path, app=APP)
    await _older_release(engine, kind, company=True)
    report = await ingest_file(engine, kind=kind, path=path, app=APP)
    assert "Cash" in {row[0] for row in await rows_of(engine, "account")}
    assert "Cash" not in {row[0] for row in await rows_of(engine, _table(kind))}
    assert any(LINES_GONE in note for note in report.notes), report.notes
    assert not any(note.startswith(CASH_GONE) for note in report.notes), report.notes
