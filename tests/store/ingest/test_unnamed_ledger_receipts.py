"""One receipt in a Day Book (under its own number, `Receipt 1`) and in the customer's
bill-wise ledger (under the bill it settles), where one of the two exports names its company
and the other does not (its title's first line cut off): the receipt counts once.

The two references of one voucher are matched by the voucher number the ledger gives, or by
customer, date and amount where it gives none (`store.ingest.kinds.ledger_vouchers`); a file
naming no company had that matching look in its own book only (no known book), so the entry
the named export stored was not seen, the receipt was stored twice, and the customer's
outstanding fell by it twice. As for invoices (`store.ingest.kinds.unnamed_books`), what one
named book holds is the file's as if it had named that book."""

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
BOOK = "kaveri distributors private limited"
# (date, kind, reference, amount, voucher number, book)
ENTRIES = [
    (d("2025-04-01"), "invoice", "KD/25-26/001", D("118000.00"), None, BOOK),
    (d("2025-04-10"), "payment", "KD/25-26/001", D("50000.00"), "1", BOOK),
    (d("2025-06-01"), "invoice", "KD/25-26/006", D("35400.00"), None, BOOK),
]


def _untitled(source: Path, folder: Path) -> Path:
    """`source` without its title's first line (the company's name)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0].strip() == "Kaveri Distributors Pvt Ltd", lines[0]
    path = folder / f"untitled_{source.name}"
    path.write_text("".join(lines[1:]), encoding="utf-8")
    return path


async def _entries(engine: AsyncEngine) -> list[tuple[object, ...]]:
    rows = [row for row in await rows_of(engine, "ledger_entry") if row[0] == "Sharma Electricals"]
    columns = ("entry_date", "kind", "reference", "amount", "voucher_number", "book")
    names = list(await _columns(engine))
    return sorted(
        (tuple(row[names.index(column)] for column in columns) for row in rows),
        key=lambda entry: (entry[0], entry[1], str(entry[2])),
    )


async def _columns(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        result = await connection.exec_driver_sql("SELECT * FROM ledger_entry WHERE 1 = 0")
        return list(result.keys())


@pytest.mark.parametrize("ledger", ["no_numbers", "numbers"])
@pytest.mark.parametrize("untitled", ["day_book", "ledger"])
@pytest.mark.parametrize("day_book_first", [True, False])
async def test_a_receipt_of_a_named_and_an_unnamed_export_counts_once(
    engine: AsyncEngine, tmp_path: Path, ledger: str, untitled: str, day_book_first: bool
) -> None:
    day_book = FIXTURES / "daybook_sharma_receipts.csv"
    customer_ledger = FIXTURES / f"ledger_sharma_prime_{ledger}.csv"
    if untitled == "day_book":
        day_book = _untitled(day_book, tmp_path)
    else:
        customer_ledger = _untitled(customer_ledger, tmp_path)
    order = [day_book, customer_ledger] if day_book_first else [customer_ledger, day_book]
    for path in order:
        await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
    assert await _entries(engine) == ENTRIES
    for path in order:  # reloads change nothing
        again = await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
        assert again.changes is not None
        assert again.changes.new == again.changes.changed == 0, again.lines()
        assert await _entries(engine) == ENTRIES
