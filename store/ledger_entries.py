"""A stored ledger entry as the credit scoring takes it (`analytics.credit.LedgerEntry`): the
columns to select after the account id, in its fields' order, and the entry made of them. The
segment job and the API's credit reads score the same entries, so they read them one way."""

from __future__ import annotations

from collections.abc import Sequence
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
)


def ledger_entry(row: Sequence[Any]) -> LedgerEntry:
    """The entry of a row of `ENTRY_COLUMNS`."""
    entry_date, kind, amount, due_date, reference, book = row
    return LedgerEntry(entry_date, EntryKind(kind), amount, due_date, reference, book)
