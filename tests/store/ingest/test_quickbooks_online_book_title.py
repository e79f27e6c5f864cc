"""QuickBooks Online heads its exports with the report's name, then the company
(`Sales by Customer Detail` over `Craig's Design and Landscaping Services`), where Tally and
QuickBooks Desktop put the company first. The book was read from the first line only, so a
QuickBooks Online export was of no known book: its invoice of a number another company's book
holds (QuickBooks numbers from 1001 in every company) was lent to it and written over, the
other company's invoice lost; and an `Invoice List` was a book named `Invoice List`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_titles import title_book
from store.ingest import IngestKind, ingest_file
from store.tables import METADATA
from tests.store.sales_support import rows_of

D = Decimal
SALES = IngestKind.SALES

_LINES = ",Type,Date,Num,Name,Amount\n,Invoice,01/05/2025,1001,Amy's Bird Sanctuary,{amount}\n"
DESKTOP = (
    'Acme Distributing LLC\nSales by Customer Detail\n"January - March, 2025"\n\n'
    + _LINES.format(amount="$300.00")
)
ONLINE = (
    "Sales by Customer Detail\nCraig's Design and Landscaping Services\n"
    '"January - March, 2025"\n\n' + _LINES.format(amount="$450.00")
)

# QuickBooks Desktop's report without a Name column: each customer read from its heading.
DESKTOP_NOT_SPECIFIED = (
    'Acme Distributing LLC\nSales by Customer Detail\n"January - March, 2025"\n\n'
    ",Type,Date,Num,Memo,Item,Qty,Sales Price,Amount,Balance\n"
    "Amy's Bird Sanctuary,,,,,,,,,\n"
    ",Invoice,01/05/2025,1001,Custom Design,Design,4,75.00,300.00,300.00\n"
    "Total for Amy's Bird Sanctuary,,,,,,,,$300.00,\n"
    "Not Specified,,,,,,,,,\n"
    ",Sales Receipt,02/11/2025,1008,Pest control,Pest Control,1,35.00,35.00,35.00\n"
    "Total for Not Specified,,,,,,,,$35.00,\n"
    "TOTAL,,,,,,,,$335.00,\n"
)


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("title", "book"),
    [
        (["Sales by Customer Detail", "Craig's Design", "January - March, 2025"], "Craig's Design"),
        (["Invoice List", "Craig's Design", "All Dates"], "Craig's Design"),
        (["Customer Balance Detail", "Craig's Design", "All Dates"], "Craig's Design"),
        (["Invoice List", "All Dates"], None),
        (["Invoice List", "All Dates", "Craig's Design"], None),
        (["Sales by Customer Detail", "January - March, 2025"], None),
        (
            ["Rock Castle Construction", "Sales by Customer Detail", "Dec 2025"],
            "Rock Castle Construction",
        ),
    ],
)
def test_a_quickbooks_online_title_names_its_company_on_its_second_line(
    title: list[str], book: str | None
) -> None:
    assert title_book([[line] for line in title]) == book


async def test_two_companies_invoice_1001_of_one_customer_are_two_invoices(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """(A ledger of these two files is refused, nothing lost: a file of one customer's
    invoices is part of its ledger and cannot edit what is stored.)"""
    kind = SALES
    for name, text in (("desktop.csv", DESKTOP), ("online.csv", ONLINE)):
        await ingest_file(engine, kind=kind, path=_file(tmp_path, name, text), app="craig")
    table = "sale_line" if kind is SALES else "ledger_entry"
    amounts = sorted(
        D(str(row[4] if kind is SALES else row[5]))
        for row in await rows_of(engine, table)
        if kind is SALES or row[2] == "invoice"
    )
    assert amounts == [D("300.00"), D("450.00")]


async def test_a_named_reload_empties_the_not_specified_account_an_older_release_made(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """QuickBooks Desktop names its company first, so its report is a named book's load; the
    `Not Specified` account an older release made (customers read from the group headings)
    holds lines of no known book, which that load neither adopts (no customer's) nor removed:
    the account stayed, with its sale."""
    path = _file(tmp_path, "desktop.csv", DESKTOP_NOT_SPECIFIED)
    await ingest_file(engine, kind=SALES, path=path, app="craig")
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
        await connection.execute(
            insert(METADATA.tables["sale_line"]),
            [
                {
                    "account_id": old,
                    "sale_date": dt.date(2025, 2, 11),
                    "invoice": "1008",
                    "line": 1,
                    "amount": D(35),
                }
            ],
        )
    report = await ingest_file(engine, kind=SALES, path=path, app="craig")
    assert [row[0] for row in await rows_of(engine, "account")] == ["Amy's Bird Sanctuary"]
    assert [row[0] for row in await rows_of(engine, "sale_line")] == ["Amy's Bird Sanctuary"]
    assert any("Removed the account `Not Specified`" in note for note in report.notes), report.notes
