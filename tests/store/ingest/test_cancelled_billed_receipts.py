"""A receipt cancelled in Tally after its ledger was loaded: the Day Book keeps its number and
date, `(cancelled)` for its party and no amount. The ledger stored it under the bill it
settled, its own number beside it (`voucher_number`), so removing the entries under that
number alone left it there, and the bill stood paid by a receipt that no longer exists. The
cancelled voucher's number names the entry either way (`withdrawn_invoices`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import d, rows_of

D = Decimal
LEDGER = IngestKind.LEDGER
FIXTURES = Path(__file__).parent / "tally"
WITH_NUMBERS = FIXTURES / "ledger_sharma_prime_numbers.csv"
WITHOUT_NUMBERS = FIXTURES / "ledger_sharma_prime_no_numbers.csv"
DAY_BOOK = FIXTURES / "daybook_sharma_receipts.csv"
CANCELLED = FIXTURES / "daybook_sharma_receipt_cancelled.csv"
# (date, kind, reference, amount) of the entries left: the two invoices, nothing paid
INVOICES = [
    (d("2025-04-01"), "invoice", "KD/25-26/001", D("118000.00")),
    (d("2025-06-01"), "invoice", "KD/25-26/006", D("35400.00")),
]


async def _entries(engine: AsyncEngine) -> list[tuple[object, ...]]:
    return [(row[1], row[2], row[3], row[5]) for row in await rows_of(engine, "ledger_entry")]


@pytest.mark.parametrize(
    "loaded",
    [
        pytest.param([WITH_NUMBERS], id="ledger-with-numbers"),
        # The number recorded when a Day Book matched the receipt by its amount.
        pytest.param([WITHOUT_NUMBERS, DAY_BOOK], id="ledger-then-day-book"),
        pytest.param([DAY_BOOK, WITH_NUMBERS], id="day-book-then-ledger"),
    ],
)
async def test_a_receipt_cancelled_after_its_ledger_was_loaded_goes(
    engine: AsyncEngine, loaded: list[Path]
) -> None:
    for path in loaded:
        await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
    assert len(await _entries(engine)) == 3
    report = await ingest_file(engine, kind=LEDGER, path=CANCELLED, app="kaveri")
    assert await _entries(engine) == INVOICES
    assert report.changes is not None
    assert report.changes.removed == 1
    assert any("Removed 1 entry loaded before" in note for note in report.notes), report.notes
    # Loading it again removes nothing more.
    again = await ingest_file(engine, kind=LEDGER, path=CANCELLED, app="kaveri")
    assert again.changes is not None
    assert again.changes.removed == 0
    assert await _entries(engine) == INVOICES


async def test_a_cancelled_receipt_of_another_number_leaves_the_billed_one(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await ingest_file(engine, kind=LEDGER, path=WITH_NUMBERS, app="kaveri")
    other = tmp_path / "Day Book.csv"
    other.write_text(CANCELLED.read_text(encoding="utf-8").replace(",Receipt,1,", ",Receipt,2,"))
    await ingest_file(engine, kind=LEDGER, path=other, app="kaveri")
    assert len(await _entries(engine)) == 3


async def test_a_cancelled_receipt_of_no_known_book_held_by_two_books_is_refused(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Two companies' books each hold a Receipt 1 of the customer on one day: one under its
    own number (a Day Book), one under the bill it settles with its number recorded beside it
    (a ledger). A Day Book naming no company that cancels Receipt 1 cannot say whose it is: it
    is refused in one line and nothing is removed (the check read the references only, so it
    saw one book each and removed both receipts)."""
    from store.ingest import FileRejected

    other = tmp_path / "ledger_other_company.csv"
    lines = WITH_NUMBERS.read_text(encoding="utf-8").splitlines(keepends=True)
    other.write_text("Ganesh Traders Pvt Ltd\n" + "".join(lines[1:]), encoding="utf-8")
    cancelled = tmp_path / "cancelled_untitled.csv"
    kept = [
        line
        for line in CANCELLED.read_text(encoding="utf-8").splitlines(keepends=True)[1:]
        if "Sharma Electricals" not in line
    ]
    cancelled.write_text("".join(kept), encoding="utf-8")
    await ingest_file(engine, kind=LEDGER, path=DAY_BOOK, app="kaveri")
    await ingest_file(engine, kind=LEDGER, path=other, app="kaveri")
    before = await rows_of(engine, "ledger_entry")
    assert sum(1 for row in before if row[2] == "payment") == 2
    with pytest.raises(FileRejected, match="held by two books"):
        await ingest_file(engine, kind=LEDGER, path=cancelled, app="kaveri")
    assert await rows_of(engine, "ledger_entry") == before
