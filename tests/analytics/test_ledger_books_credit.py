"""Credit risk of a customer whose ledger is kept in two books (a firm's two companies): all
books summed, each receipt settling a bill of its own book, each opening balance counted
against its own book's entries (analytics/credit.py, analytics/opening_balances.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from analytics.credit import settle
from analytics.ledger_kinds import EntryKind, LedgerEntry, signed
from analytics.opening_balances import balance_before, with_openings_counted

D = Decimal
INVOICE, PAYMENT, OPENING = EntryKind.INVOICE, EntryKind.PAYMENT, EntryKind.OPENING_DUE
MAIN, BRANCH = "Kumar Distributors", "Kumar Distributors (Unit 2)"


def test_a_receipt_settles_the_bill_of_its_own_book() -> None:
    """Both books have bill 7; the branch's older bill 7 stays open when the main books'
    receipt names the main books' bill 7."""
    entries = [
        LedgerEntry(dt.date(2025, 4, 1), INVOICE, D("100.00"), None, "7", BRANCH),
        LedgerEntry(dt.date(2025, 4, 5), INVOICE, D("100.00"), None, "7", MAIN),
        LedgerEntry(dt.date(2025, 4, 10), PAYMENT, D("100.00"), None, "7", MAIN),
    ]
    settled, credit = settle(entries)
    assert credit == 0
    # The one part paid is the main books' invoice of 5 April.
    paid = [(part.invoiced_on, part.paid_on) for part in settled if part.paid_on is not None]
    assert paid == [(dt.date(2025, 4, 5), dt.date(2025, 4, 10))]


def test_each_books_opening_balance_counts_against_its_own_entries() -> None:
    """The branch's opening balance of 1 April (40) is its own books' balance: the main books'
    earlier invoice (100) is not in it, so nothing of either is lost; the balance is both."""
    entries = [
        LedgerEntry(dt.date(2025, 3, 10), INVOICE, D("100.00"), None, "1", MAIN),
        LedgerEntry(dt.date(2025, 4, 1), OPENING, D("40.00"), None, "", BRANCH),
    ]
    counted = list(with_openings_counted(entries))
    assert sum(signed(e.kind, e.amount) for e in counted) == D("140.00")
    assert balance_before(entries, dt.date(2025, 4, 2)) == D("140.00")
    # One book alone: as before, the opening stands for what came before it.
    alone = [e._replace(book=MAIN) for e in entries]
    assert balance_before(alone, dt.date(2025, 4, 2)) == D("40.00")
