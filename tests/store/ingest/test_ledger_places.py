"""A ledger file that covers part of what the books have of a number (a receipts-only ledger, a
sales report of invoices only) after a whole ledger: what it has keeps its places, what it
does not have stays, and what it gives otherwise than stored is refused, not guessed
(store/ingest/kinds/ledger_places.py). Files as Tally (bill-wise details of Sundry Debtors)
and QuickBooks (Sales by Customer Detail) export them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.ingest.errors import FileRejected
from tests.store.sales_support import d, rows_of

D = Decimal
LEDGER = IngestKind.LEDGER
TITLE = (
    "Shree Ganesh Distributors Pvt. Ltd.\nSundry Debtors - Bill-wise Details\n"
    "1-Apr-2024 to 31-Mar-2025\n\n"
)
# Bill SG/24-25/002 was settled on 10 May by a credit note (goods returned) and a receipt:
# two payments of one bill and day.
WHOLE = TITLE + (
    "Date,Ref,Particulars,Vch Type,Vch No.,Debit,Credit\n"
    '1-May-2024,SG/24-25/002,Sharma Electricals,Sales,SG/24-25/002,"50,000.00",\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Credit Note,CN/003,,"5,000.00"\n'
    '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/090,,"25,000.00"\n'
)
# The same books' receipts alone (the ledger filtered by voucher type).
RECEIPTS = TITLE + (
    "Date,Ref,Particulars,Vch Type,Vch No.,Credit\n"
    '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/090,"25,000.00"\n'
    "{more}"
)
STORED = [
    (d("2024-05-01"), "invoice", "SG/24-25/002", 1, D("50000.00")),
    (d("2024-05-10"), "payment", "SG/24-25/002", 1, D("5000.00")),
    (d("2024-05-10"), "payment", "SG/24-25/002", 2, D("25000.00")),
]
QUICKBOOKS = """Acme Distributing LLC
Sales by Customer Detail
"January - March, 2025"

,Type,Date,Num,Memo,Name,Item,Qty,Sales Price,Amount
Bill's Windsurf Shop,,,,,,,,,
,Invoice,01/09/2025,1003,Installation,Bill's Windsurf Shop,Installation,10,50.00,500.00
,Invoice,01/09/2025,1003,Custom Design,Bill's Windsurf Shop,Design,4,75.00,{design}
{payment}Total for Bill's Windsurf Shop,,,,,,,,,
"""
PAYMENT = ",Payment,02/10/2025,77,,Bill's Windsurf Shop,,,,-300.00\n"


async def _entries(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    return [row[1:6] for row in await rows_of(engine, "ledger_entry")]


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_receipts_only_ledger_keeps_the_credit_note_of_its_bill(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The receipts-only ledger has RC/090 and not the credit note of the same bill and day
    (both payments): the credit note stays, RC/090 keeps its place, nothing changes, and the
    load says why it kept the entry."""
    await ingest_file(engine, kind=LEDGER, path=_file(tmp_path, "whole.csv", WHOLE), app="sgd")
    assert await _entries(engine) == STORED

    receipts = _file(tmp_path, "receipts.csv", RECEIPTS.format(more=""))
    report = await ingest_file(engine, kind=LEDGER, path=receipts, app="sgd")

    assert await _entries(engine) == STORED
    assert report.changes is not None
    assert (report.changes.removed, report.changes.changed, report.changes.new) == (0, 0, 0)
    assert any(
        note.startswith("Kept 1 stored entry of the file's numbers") and "only payments" in note
        for note in report.notes
    ), report.notes


async def test_a_receipts_only_ledger_adds_a_receipt_after_the_stored_ones(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A second receipt of the bill on the same day, entered since: a new entry after the
    stored one, which stays. (Beside a stored entry the file does not have, as the credit
    note, a new one is refused as an edit would be: the file cannot tell them apart.)"""
    without_note = "".join(line for line in WHOLE.splitlines(keepends=True) if "CN/003" not in line)
    await ingest_file(
        engine, kind=LEDGER, path=_file(tmp_path, "whole.csv", without_note), app="sgd"
    )
    more = '10-May-2024,SG/24-25/002,Sharma Electricals,Receipt,RC/091,"10,000.00"\n'
    receipts = _file(tmp_path, "receipts.csv", RECEIPTS.format(more=more))
    report = await ingest_file(engine, kind=LEDGER, path=receipts, app="sgd")

    assert await _entries(engine) == [
        STORED[0],
        (d("2024-05-10"), "payment", "SG/24-25/002", 1, D("25000.00")),
        (d("2024-05-10"), "payment", "SG/24-25/002", 2, D("10000.00")),
    ]
    assert report.changes is not None
    assert (report.changes.removed, report.changes.changed, report.changes.new) == (0, 0, 1)


async def test_a_receipts_only_ledger_that_differs_from_the_stored_payments_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """RC/090 at 24,000.00 beside the stored 5,000.00 and 25,000.00: an edited receipt and a
    credit note the file does not list look alike; refused in one line, nothing changed. The
    whole ledger then edits it."""
    await ingest_file(engine, kind=LEDGER, path=_file(tmp_path, "whole.csv", WHOLE), app="sgd")
    edited = RECEIPTS.format(more="").replace('"25,000.00"', '"24,000.00"')
    with pytest.raises(FileRejected) as refused:
        await ingest_file(
            engine, kind=LEDGER, path=_file(tmp_path, "receipts.csv", edited), app="sgd"
        )
    message = str(refused.value)
    assert "\n" not in message
    assert "only payments" in message
    assert "payment SG/24-25/002 of Sharma Electricals on 2024-05-10" in message
    assert await _entries(engine) == STORED

    whole = WHOLE.replace('"25,000.00"', '"24,000.00"')
    report = await ingest_file(
        engine, kind=LEDGER, path=_file(tmp_path, "whole2.csv", whole), app="sgd"
    )
    assert report.changes is not None
    assert (report.changes.removed, report.changes.changed) == (0, 1)
    assert await _entries(engine) == [*STORED[:2], (*STORED[2][:4], D("24000.00"))]


async def test_quickbooks_sales_detail_without_payments_edits_nothing_it_cannot_tell(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Sales by Customer Detail with the payment (a whole ledger), then the report of sales
    alone with the design item at 250.00: invoices only, so it cannot tell an edited item
    from an invoice entry it does not list: refused, the stored items stay. Reloading the same
    sales alone changes nothing; the whole report edits the item."""
    whole = QUICKBOOKS.format(design="300.00", payment=PAYMENT)
    await ingest_file(engine, kind=LEDGER, path=_file(tmp_path, "qb.csv", whole), app="qb")
    stored = [row[2:5] for row in await _entries(engine)]
    assert stored == [("1003", 1, D("500.00")), ("1003", 2, D("300.00")), ("77", 1, D("300.00"))]

    same = QUICKBOOKS.format(design="300.00", payment="")
    report = await ingest_file(engine, kind=LEDGER, path=_file(tmp_path, "s.csv", same), app="qb")
    assert report.changes is not None
    assert (report.changes.removed, report.changes.changed, report.changes.new) == (0, 0, 0)

    edited = QUICKBOOKS.format(design="250.00", payment="")
    with pytest.raises(FileRejected, match="only invoices"):
        await ingest_file(engine, kind=LEDGER, path=_file(tmp_path, "e.csv", edited), app="qb")
    assert [row[2:5] for row in await _entries(engine)] == stored

    whole_edited = QUICKBOOKS.format(design="250.00", payment=PAYMENT)
    await ingest_file(engine, kind=LEDGER, path=_file(tmp_path, "w.csv", whole_edited), app="qb")
    assert [row[2:5] for row in await _entries(engine)] == [
        ("1003", 1, D("500.00")),
        ("1003", 2, D("250.00")),
        ("77", 1, D("300.00")),
    ]


async def test_a_reload_with_its_lines_in_another_order_changes_nothing(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The credit note and the receipt of one bill and day exported in the other order: each
    keeps its place (equal entries are matched by amount, not by their order)."""
    await ingest_file(engine, kind=LEDGER, path=_file(tmp_path, "whole.csv", WHOLE), app="sgd")
    lines = WHOLE.splitlines(keepends=True)
    swapped = "".join([*lines[:-2], lines[-1], lines[-2]])
    report = await ingest_file(
        engine, kind=LEDGER, path=_file(tmp_path, "swapped.csv", swapped), app="sgd"
    )
    assert report.changes is not None
    assert (report.changes.removed, report.changes.changed, report.changes.new) == (0, 0, 0)
    assert await _entries(engine) == STORED


# Sharma's ledger of the first quarter (a debit note on the bill's day), and of the second
# with its opening balance.
_Q1 = """Kaveri Distributors Pvt. Ltd.
Ledger: Sharma Electricals
1-Apr-25 to 30-Jun-25
Date,Particulars,Vch Type,Vch No.,Debit,Credit
,Opening Balance,,,0.00,
5-Apr-25,To Sales Account,Sales,KD/25-26/001,"10,000.00",
5-Apr-25,To Sales Account,Debit Note,KD/25-26/001,"{debit_note}",
20-Apr-25,By Bank,Receipt,KD/25-26/001,,"4,000.00"
"""
_Q2 = """Kaveri Distributors Pvt. Ltd.
Ledger: Sharma Electricals
1-Jul-25 to 30-Sep-25
Date,Particulars,Vch Type,Vch No.,Debit,Credit
,Opening Balance,,,"8,000.00",
5-Jul-25,To Sales Account,Sales,KD/25-26/011,"1,000.00",
"""


async def test_the_opening_balance_note_sees_the_ledger_without_the_entries_removed(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The first quarter gives 8,000.00 owed, as the second quarter's opening balance says.
    The first quarter re-exported without its debit note (2,000.00 removed as stale) leaves
    6,000.00: the load says the stored opening balance of July now differs by 2,000.00, not
    that it agrees (it was said with the debit note still counted)."""
    q1 = _file(tmp_path, "q1.csv", _Q1.format(debit_note="2,000.00"))
    await ingest_file(engine, kind=LEDGER, path=q1, app="kaveri")
    report = await ingest_file(
        engine, kind=LEDGER, path=_file(tmp_path, "q2.csv", _Q2), app="kaveri"
    )
    assert any("agrees with the 4 entries loaded before it" in note for note in report.notes)

    edited = _Q1.replace('5-Apr-25,To Sales Account,Debit Note,KD/25-26/001,"{debit_note}",\n', "")
    report = await ingest_file(
        engine, kind=LEDGER, path=_file(tmp_path, "q1b.csv", edited), app="kaveri"
    )
    assert report.changes is not None
    assert report.changes.removed == 1
    notes = [note for note in report.notes if note.startswith("Opening balance of")]
    assert notes == [
        "Opening balance of Sharma Electricals on 2025-07-01 loaded before is 8,000.00 Dr but "
        "the 3 entries loaded before it give 6,000.00 Dr: it counts for the difference, "
        "2,000.00 Dr (a ledger between them is not loaded, or the ledgers disagree)"
    ], report.notes
