"""A ledger re-exported after an invoice was edited down: the stored entries of a number beyond
those the new file has of it go in the load's transaction, as a sales load's stale lines do
(store/ingest/kinds/stale_item_lines.py), and what the API says of the customer's invoiced,
outstanding and credit risk follows. Files as Tally and QuickBooks export them: Tally's
bill-wise details of Sundry Debtors (a debit note and part payments against a bill) and
QuickBooks Desktop's Sales by Customer Detail (one row per item of an invoice), loaded as a
ledger."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.ingest import IngestKind, ingest_file
from store.keys import create_key
from store.scope import Role
from tests.store.sales_support import d, rows_of

D = Decimal
LEDGER = IngestKind.LEDGER
TITLE = "Shree Ganesh Distributors Pvt. Ltd.\nSundry Debtors - Bill-wise Details\n"
BILLWISE = TITLE + (
    "1-Apr-2024 to 31-Mar-2025\n"
    "\n"
    "Date,Ref,Particulars,Vch Type,Vch No.,Debit,Credit\n"
    '1-Apr-2024,SG/24-25/001,Sharma Electricals,Sales,SG/24-25/001,"1,00,000.00",\n'
    '1-Apr-2024,SG/24-25/001,Sharma Electricals,Debit Note,DN/004,"18,000.00",\n'
    '1-May-2024,SG/24-25/002,Sharma Electricals,Sales,SG/24-25/002,"50,000.00",\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/090,,"25,000.00"\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/091,,"25,000.00"\n'
    ',,Closing Balance,,,"1,18,000.00",\n'
)
# The same books after the debit note and the second receipt (entered twice) were deleted and
# bill SG/24-25/002 was edited down to 40,000.00.
EDITED = TITLE + (
    "1-Apr-2024 to 31-Mar-2025\n"
    "\n"
    "Date,Ref,Particulars,Vch Type,Vch No.,Debit,Credit\n"
    '1-Apr-2024,SG/24-25/001,Sharma Electricals,Sales,SG/24-25/001,"1,00,000.00",\n'
    '1-May-2024,SG/24-25/002,Sharma Electricals,Sales,SG/24-25/002,"40,000.00",\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/090,,"25,000.00"\n'
    ',,Closing Balance,,,"1,15,000.00",\n'
)
QUICKBOOKS = """Acme Distributing LLC
Sales by Customer Detail
"January - March, 2025"

,Type,Date,Num,Memo,Name,Item,Qty,Sales Price,Amount,Balance
Bill's Windsurf Shop,,,,,,,,,,
,Invoice,01/09/2025,1003,Installation,Bill's Windsurf Shop,Installation,10,50.00,500.00,500.00
{design},Payment,02/10/2025,77,,Bill's Windsurf Shop,,,,-300.00,{balance}
Total for Bill's Windsurf Shop,,,,,,,,,{total},
TOTAL,,,,,,,,,{total},
"""
DESIGN = (
    ",Invoice,01/09/2025,1003,Custom Design,Bill's Windsurf Shop,Design,4,75.00,300.00,800.00\n"
)
CREDIT = """query ($id: String!) { account(accountId: $id) {
  creditRisk { invoiced outstanding score overdueShare asOf }
} }"""


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": "2025-06-30"}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _credit(engine: AsyncEngine, http: httpx.AsyncClient, account: str) -> dict[str, Any]:
    key = (await create_key(engine, role=Role.INTERNAL))[1]
    response = await http.post(
        "/graphql",
        json={"query": CREDIT, "variables": {"id": account}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    risk: dict[str, Any] = body["data"]["account"]["creditRisk"]
    return risk


async def _entries(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    return [row[1:6] for row in await rows_of(engine, "ledger_entry")]


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_tally_bill_edited_down_leaves_the_ledger_as_the_new_export_says(
    engine: AsyncEngine, tmp_path: Path, http: httpx.AsyncClient
) -> None:
    """Bill SG/24-25/001 had its sale and a debit note on 1 April (two invoice entries of the
    bill), SG/24-25/002 two part payments on 10 May; the re-export has the sale alone, one
    payment, and SG/24-25/002 at 40,000.00: the debit note and the second payment go, the
    summary counts them, invoiced and outstanding follow, and the same file again changes
    nothing. The ledger is then as the edited export alone would leave it."""
    path = _file(tmp_path, "billwise.csv", BILLWISE)
    await ingest_file(engine, kind=LEDGER, path=path, app="sgd")
    first = await _credit(engine, http, "Sharma Electricals")
    assert (first["invoiced"], first["outstanding"]) == ("168000.00", "118000.00")

    edited = _file(tmp_path, "billwise_edited.csv", EDITED)
    report = await ingest_file(engine, kind=LEDGER, path=edited, app="sgd")

    expected = [
        (d("2024-04-01"), "invoice", "SG/24-25/001", 1, D("100000.00")),
        (d("2024-05-01"), "invoice", "SG/24-25/002", 1, D("40000.00")),
        (d("2024-05-10"), "payment", "SG/24-25/002", 1, D("25000.00")),
    ]
    assert await _entries(engine) == expected
    assert report.changes is not None
    assert (report.changes.removed, report.changes.changed) == (2, 1)
    assert "2 removed" in report.summary()
    after = await _credit(engine, http, "Sharma Electricals")
    assert (after["invoiced"], after["outstanding"]) == ("140000.00", "115000.00")
    assert after["asOf"] == "2024-05-10"

    again = await ingest_file(engine, kind=LEDGER, path=edited, app="sgd")
    assert again.changes is not None
    assert (again.changes.removed, again.changes.changed, again.changes.new) == (0, 0, 0)
    assert await _entries(engine) == expected
    assert await _credit(engine, http, "Sharma Electricals") == after


async def test_a_quickbooks_invoice_with_fewer_items_loses_the_removed_items_entry(
    engine: AsyncEngine, tmp_path: Path, http: httpx.AsyncClient
) -> None:
    """QuickBooks' Sales by Customer Detail lists an invoice once per item: invoice 1003's
    Installation and Custom Design are two invoice entries of one number and day. Its report
    after the design item was removed has Installation alone: the design's entry goes, and
    what the customer owes after its payment is 200.00, not 500.00."""
    full = QUICKBOOKS.format(design=DESIGN, balance="500.00", total="$500.00")
    await ingest_file(engine, kind=LEDGER, path=_file(tmp_path, "qb.csv", full), app="qb")
    assert [row[2:5] for row in await _entries(engine)] == [
        ("1003", 1, D("500.00")),
        ("1003", 2, D("300.00")),
        ("77", 1, D("300.00")),
    ]
    before = await _credit(engine, http, "Bill's Windsurf Shop")
    assert (before["invoiced"], before["outstanding"]) == ("800.00", "500.00")

    fewer = QUICKBOOKS.format(design="", balance="200.00", total="$200.00")
    report = await ingest_file(
        engine, kind=LEDGER, path=_file(tmp_path, "qb2.csv", fewer), app="qb"
    )

    assert [row[2:5] for row in await _entries(engine)] == [
        ("1003", 1, D("500.00")),
        ("77", 1, D("300.00")),
    ]
    assert report.changes is not None
    assert report.changes.removed == 1
    after = await _credit(engine, http, "Bill's Windsurf Shop")
    assert (after["invoiced"], after["outstanding"]) == ("500.00", "200.00")


async def test_entries_without_a_number_and_other_numbers_are_not_touched(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Entries without a number name no invoice (the file cannot tell a missing one from
    another), and an invoice the new file does not have at all is not the file's: both stay;
    an opening balance (stored without a number) stays too."""
    header = "Date,Customer,Kind,Invoice,Amount\n"
    first = _file(
        tmp_path,
        "first.csv",
        header + "2024-07-02,C1,invoice,,100.00\n2024-07-02,C1,invoice,,200.00\n"
        "2024-07-03,C1,invoice,INV-9,50.00\n2024-07-04,C1,invoice,INV-10,70.00\n",
    )
    await ingest_file(engine, kind=LEDGER, path=first)
    second = _file(tmp_path, "second.csv", header + "2024-07-02,C1,invoice,,100.00\n")
    report = await ingest_file(engine, kind=LEDGER, path=second)
    assert report.changes is not None
    assert report.changes.removed == 0
    assert len(await _entries(engine)) == 4
