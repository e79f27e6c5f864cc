"""The entries of a customer's ledger as the credit measures take them: their kinds and
fields (analytics/credit.py and analytics/opening_balances.py share them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class EntryKind(StrEnum):
    INVOICE = "invoice"
    PAYMENT = "payment"
    # A party ledger's opening balance, on the period's first day: owed by the customer (a
    # debit), or its advance (a credit). Part of what is owed and of the settling of
    # payments, but neither invoiced nor paid in any period (not in `invoiced`).
    OPENING_DUE = "opening due"
    OPENING_ADVANCE = "opening advance"


# What an entry adds to what is owed: invoices and an opening debit; the others lower it.
OWED_KINDS = frozenset((EntryKind.INVOICE, EntryKind.OPENING_DUE))
OPENING_KINDS = frozenset((EntryKind.OPENING_DUE, EntryKind.OPENING_ADVANCE))
# Order within a day: an opening balance first (the balance before the day's entries), then
# invoices, then payments (so that a payment of the same day can settle them).
DAY_ORDER = {
    EntryKind.OPENING_DUE: 0,
    EntryKind.OPENING_ADVANCE: 0,
    EntryKind.INVOICE: 1,
    EntryKind.PAYMENT: 2,
}


class LedgerEntry(NamedTuple):
    entry_date: dt.date
    kind: EntryKind
    # Positive: what was invoiced, or paid.
    amount: Decimal
    due_date: dt.date | None = None
    # The invoice number an invoice has or a payment names; "" when none.
    reference: str = ""
    # The book (company) the entry is of, "" when none is known: two books of one customer
    # number their bills apart and state their own opening balances.
    book: str = ""


def signed(kind: EntryKind, amount: Decimal) -> Decimal:
    """What an entry adds to what is owed (a credit, negative)."""
    return amount if kind in OWED_KINDS else -amount
