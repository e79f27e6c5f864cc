"""One voucher, one entry: a party's ledger with bill-wise details stores a receipt under the
bill it settles, a Day Book under the receipt's own number; loaded both, in either order, the
receipt counts once, and the due dates the bill-wise details gave stay
(`store.ingest.kinds.ledger_vouchers`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.store.sales_support import VOUCHER_NUMBER, d, rows_of

D = Decimal
LEDGER = IngestKind.LEDGER
CUSTOMER = "Sharma Electricals"

# Tally Prime's ledger of one party, bill-wise details on (`New Ref`, `Agst Ref` lines).
LEDGER_FILE = (
    "Kaveri Distributors Pvt Ltd\nLedger: Sharma Electricals\n1-Apr-25 to 30-Jun-25\n\n"
    "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n"
    '1-Apr-25,Sales Account,Sales,KD/25-26/001,"1,18,000.00",\n'
    ',New Ref  KD/25-26/001  Due on 16-Apr-25,,,"1,18,000.00",\n'
    '10-Apr-25,HDFC Bank,Receipt,1,,"50,000.00"\n'
    ',Agst Ref  KD/25-26/001,,,,"50,000.00"\n'
    '1-Jun-25,Sales Account,Sales,KD/25-26/006,"35,400.00",\n'
    ',New Ref  KD/25-26/006  Due on 16-Jun-25,,,"35,400.00",\n'
    ',,,,"1,53,400.00","50,000.00"\n'
    ',Closing Balance,,,,"1,03,400.00"\n'
)
# The Day Book of the same period: the same vouchers, no bills, no due dates.
DAY_BOOK = (
    "Kaveri Distributors Pvt Ltd\nDay Book\n1-Apr-25 to 30-Jun-25\n\n"
    "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
    '1-Apr-25,Sharma Electricals,Sales,KD/25-26/001,"1,18,000.00",\n'
    '10-Apr-25,Sharma Electricals,Receipt,1,,"50,000.00"\n'
    '1-Jun-25,Sharma Electricals,Sales,KD/25-26/006,"35,400.00",\n'
)
# (date, kind, reference, amount, due date, own voucher number) of the ledger's entries
ENTRIES = [
    (d("2025-04-01"), "invoice", "KD/25-26/001", D("118000.00"), d("2025-04-16"), None),
    (d("2025-04-10"), "payment", "KD/25-26/001", D("50000.00"), None, "1"),
    (d("2025-06-01"), "invoice", "KD/25-26/006", D("35400.00"), d("2025-06-16"), None),
]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    ledger = tmp_path / "Ledger Sharma.csv"
    ledger.write_text(LEDGER_FILE, encoding="utf-8")
    day_book = tmp_path / "Day Book.csv"
    day_book.write_text(DAY_BOOK, encoding="utf-8")
    return ledger, day_book


async def _entries(engine: AsyncEngine) -> list[tuple[object, ...]]:
    rows = await rows_of(engine, "ledger_entry")
    assert {row[0] for row in rows} == {CUSTOMER}
    # date, kind, reference, amount, due date, voucher number
    return [(row[1], row[2], row[3], row[5], row[6], row[VOUCHER_NUMBER]) for row in rows]


@pytest.mark.parametrize("day_book_first", [False, True])
async def test_a_receipt_in_a_ledger_and_a_day_book_counts_once(
    engine: AsyncEngine, tmp_path: Path, day_book_first: bool
) -> None:
    ledger, day_book = _files(tmp_path)
    order = [day_book, ledger] if day_book_first else [ledger, day_book]
    await ingest_file(engine, kind=LEDGER, path=order[0], app="kaveri")
    second = await ingest_file(engine, kind=LEDGER, path=order[1], app="kaveri")
    # One receipt of 50,000.00 (not two), under the bill it settles; the due dates of the
    # bill-wise details kept whichever file came last.
    assert await _entries(engine) == ENTRIES
    said = (
        "1 stored entry of another export under their voucher's own number taken as the "
        "file's entries under the bill they name, not added again"
        if day_book_first
        else "1 entry of the file, under their voucher's own number, stored already from "
        "another export under the bill they name: taken as those entries, not added again"
    )
    assert said in second.notes
    # Loading either again changes nothing.
    for path in order:
        again = await ingest_file(engine, kind=LEDGER, path=path, app="kaveri")
        assert again.changes is not None
        assert again.changes.new == again.changes.changed == 0
        assert await _entries(engine) == ENTRIES


async def test_the_credit_risk_is_the_ledgers_alone(engine: AsyncEngine, tmp_path: Path) -> None:
    """What is owed, and the risk measured from it, are the ledger's, Day Book or not."""
    ledger, day_book = _files(tmp_path)
    await ingest_file(engine, kind=LEDGER, path=ledger, app="kaveri")
    alone = await rows_of(engine, "credit_risk")
    await ingest_file(engine, kind=LEDGER, path=day_book, app="kaveri")
    assert await rows_of(engine, "credit_risk") == alone
