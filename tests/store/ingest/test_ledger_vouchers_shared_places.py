"""Payments of two voucher types at one place of one bill and day (a `Receipt` and a `Credit
Note` against `KD/001` on 10 April, each at place 1: two books' ledgers merged by `profiling
books rename --merge`, places being counted per book) are two vouchers: the one a Day Book's
payment under its own number is matched with (`store/ingest/kinds/ledger_vouchers.py`, by
customer, date and amount) records that number, and is taken into the load's book, alone.
Before, the stored place was found by customer, date, bill and place without the type: the
receipt's number was written on the credit note too (the next load moved the receipt off its
bill), and a receipt of no known book was left there, beside the other type's entry, and
counted a second time in the load's book."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.book_names import book_key
from store.books import rename_book
from store.ingest import IngestKind, IngestReport, ingest_file
from store.tables import LEDGER_TABLE

D = Decimal
CUSTOMER = "Sharma Electricals"
OLD, NEW = "Kaveri Distributors", "Kaveri Electricals"
NEW_BOOK = book_key(NEW)


def _ledger(company: str, payment: str, amount: str) -> str:
    """A bill-wise ledger without its Vch No. column: bill KD/001, then one payment against it."""
    return (
        f"{company}\nLedger: {CUSTOMER}\n1-Apr-25 to 30-Jun-25\n\n"
        "Date,Particulars,Vch Type,Debit,Credit\n"
        '1-Apr-25,Sales Account,Sales,"1,00,000.00",\n'
        ',New Ref  KD/001  Due on 30-Apr-25,,"1,00,000.00",\n'
        f"10-Apr-25,HDFC Bank,{payment},,{amount}\n"
        f",Agst Ref  KD/001,,,{amount}\n"
    )


DAY_BOOK = (
    f"{NEW}\nDay Book\n1-Apr-25 to 30-Jun-25\n\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    f'1-Apr-25,{CUSTOMER},Sales,KD/001,"1,00,000.00",\n'
    f"10-Apr-25,{CUSTOMER},Receipt,1,,25000.00\n"
    f"10-Apr-25,{CUSTOMER},Credit Note,3,,5000.00\n"
)
# (reference, place, voucher type, voucher number, amount, book) of the payments
EXPECTED = [
    ("KD/001", 1, "credit note", "3", D("5000.00"), NEW_BOOK),
    ("KD/001", 1, "receipt", "1", D("25000.00"), NEW_BOOK),
]


async def _load(engine: AsyncEngine, folder: Path, name: str, content: str) -> IngestReport:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kav")


async def _payments(engine: AsyncEngine) -> list[tuple[object, ...]]:
    c = LEDGER_TABLE.c
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(c.reference, c.line, c.voucher_type, c.voucher_number, c.amount, c.book).where(
                c.kind == "payment"
            )
        )
    return sorted((*row[:4], D(str(row[4])), row[5]) for row in rows)


@pytest.mark.parametrize("receipt_of_no_known_book", [False, True])
async def test_a_day_books_payments_each_take_their_own_types_entry_at_a_shared_place(
    engine: AsyncEngine, tmp_path: Path, receipt_of_no_known_book: bool
) -> None:
    await _load(engine, tmp_path, "old.csv", _ledger(OLD, "Credit Note", "5000.00"))
    await _load(engine, tmp_path, "new.csv", _ledger(NEW, "Receipt", "25000.00"))
    await rename_book(engine, old=OLD, new=NEW, merge=True)
    if receipt_of_no_known_book:
        # The receipt as stored before books were kept: of no known book.
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE ledger_entry SET book = '' WHERE voucher_type = 'receipt'")
            )

    await _load(engine, tmp_path, "day.csv", DAY_BOOK)

    assert await _payments(engine) == EXPECTED
    again = await _load(engine, tmp_path, "day.csv", DAY_BOOK)
    assert again.changes is not None
    assert (again.changes.new, again.changes.changed, again.changes.removed) == (0, 0, 0)
    assert await _payments(engine) == EXPECTED
