"""A closing balance in a Debit or Credit column is on either side, and both are Tally's: its
Ledger Vouchers report prints a debtor's `Closing Balance` under Debit (its own side), a
ledger balanced as an account writes it under Credit (the other side, so that the columns
agree). Either agrees with the entries; only a balance neither reading gives is reported, and
it suggests swapped debits and credits only when the amounts agree (on both stores)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.credit import EntryKind
from analytics.export_amounts import Amount, Side
from store.ingest import IngestKind, ingest_file
from store.ingest.kinds.ledger_balances import LedgerBalances

FIXTURES = Path(__file__).parent / "tally"
_HEAD = (
    "Kaveri Distributors Pvt. Ltd.\nLedger: Gupta Traders\n1-Apr-25 to 30-Jun-25\n"
    "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n"
    ',Opening Balance,,,"12,000.00",\n'
    '3-Apr-25,Sales Account,Sales,KD/25-26/002,"45,600.00",\n'
    '30-May-25,ICICI Bank,Receipt,R/007,,"40,000.00"\n'
    ',Current Total,,,"45,600.00","40,000.00"\n'
)
AGREES = "Closing balance 17,600.00 Dr agrees with the entries loaded"


async def _notes(engine: AsyncEngine, folder: Path, closing: str) -> list[str]:
    await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=FIXTURES / "kaveri_accounts.csv")
    path = folder / "Ledger Gupta.csv"
    path.write_text(_HEAD + closing, encoding="utf-8")
    report = await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="kaveri")
    return list(report.notes)


@pytest.mark.parametrize(
    "closing",
    [
        pytest.param(',Closing Balance,,,"17,600.00",\n', id="under-debit-own-side"),
        pytest.param(',Closing Balance,,,,"17,600.00"\n', id="under-credit-balancing"),
    ],
)
async def test_a_closing_balance_in_either_column_agrees(
    engine: AsyncEngine, tmp_path: Path, closing: str
) -> None:
    notes = await _notes(engine, tmp_path, closing)
    assert AGREES in notes, notes
    assert not any("swapped" in note for note in notes), notes


async def test_a_different_closing_balance_is_reported_with_both_readings(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    notes = await _notes(engine, tmp_path, ',Closing Balance,,,"17,000.00",\n')
    (note,) = [note for note in notes if note.startswith("Closing balance")]
    assert note == (
        "Closing balance on line 9 is 17,000.00 written under Debit (a Dr balance, or Cr if "
        "it balances the columns) but the entries loaded (with the opening balance) give "
        "17,600.00 Dr: some of the file's lines are not entries, or the file is not the whole "
        "period"
    )


def test_a_marked_closing_balance_on_the_wrong_side_suggests_a_swap() -> None:
    """`17,600.00 Cr` says its side itself: on the other side of the entries' balance it
    disagrees, and its amount agreeing suggests swapped debits and credits."""
    balances = LedgerBalances([])
    balances.take("closing", 9, Amount(Decimal("17600.00"), Side.CREDIT), None)
    note = balances.closing_note([(EntryKind.INVOICE, Decimal("17600.00"))])
    assert note == (
        "Closing balance on line 9 is 17,600.00 Cr but the entries loaded (with the opening "
        "balance) give 17,600.00 Dr: some of the file's lines are not entries, the file is not "
        "the whole period, or its debits and credits are swapped"
    )


@given(
    owed=st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    balancing=st.booleans(),
)
def test_either_column_reading_agrees_for_any_balance(owed: Decimal, balancing: bool) -> None:
    """Whatever the balance, written under the column of its own side or of the other, the
    closing line agrees with the entries that give it."""
    own = Side.DEBIT if owed >= 0 else Side.CREDIT
    side = own if not balancing else (Side.CREDIT if own is Side.DEBIT else Side.DEBIT)
    balances = LedgerBalances([])
    balances.take("closing", 9, Amount(abs(owed), side), None, in_side_column=True)
    kind = EntryKind.OPENING_DUE if owed >= 0 else EntryKind.OPENING_ADVANCE
    note = balances.closing_note([(kind, abs(owed))])
    assert note is not None
    assert "agrees with the entries loaded" in note, note
