"""A stored ledger entry as the credit scoring takes it (`analytics.credit.LedgerEntry`): the
columns to select after the account id, in its fields' order, and the entry made of them. The
segment job and the API's credit reads score the same entries, so they read them one way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from analytics.credit import EntryKind, LedgerEntry
from store.tables import LEDGER_TABLE

_LEDGER = LEDGER_TABLE.c
ENTRY_COLUMNS = (
    _LEDGER.entry_date,
    _LEDGER.kind,
    _LEDGER.amount,
    _LEDGER.due_date,
    _LEDGER.reference,
    _LEDGER.book,
    _LEDGER.reference_is_bill,
)
# A lookup, not EntryKind(kind): tens of thousands of rows per value-credit matrix.
_KINDS = {kind.value: kind for kind in EntryKind}
_PAYMENT = EntryKind.PAYMENT
_PAYMENT_VALUE = EntryKind.PAYMENT.value


def ledger_entry(row: Sequence[Any]) -> LedgerEntry:
    """The entry of a row of `ENTRY_COLUMNS`.

    A payment stored under its own number (`reference_is_bill` false: a Day Book's `Receipt 2`)
    names no invoice: its reference is left out, so that it settles the oldest open invoices,
    not the invoice that happens to share its number (`Sales 2`: Tally numbers each voucher
    type apart). An invoice keeps its reference either way: its own number is the bill its
    receipts name. Unknown (None, stored before revision 0031) is read as a bill, as before."""
    entry_date, kind, amount, due_date, reference, book, is_bill = row
    entry_kind = _KINDS[kind]
    if is_bill is False and entry_kind is _PAYMENT:
        reference = ""
    return LedgerEntry(entry_date, entry_kind, amount, due_date, reference, book)


def ledger_entries(rows: Iterable[Sequence[Any]]) -> list[LedgerEntry]:
    """The entries of rows of two columns then `ENTRY_COLUMNS` (an account and its segment),
    read as `ledger_entry` reads one, in one loop without a call per row: a value-credit
    matrix reads tens of thousands."""
    return [
        LedgerEntry(
            day,
            _KINDS[kind],
            amount,
            due_date,
            "" if is_bill is False and kind == _PAYMENT_VALUE else reference,
            book,
        )
        for _, _, day, kind, amount, due_date, reference, book, is_bill in rows
    ]
