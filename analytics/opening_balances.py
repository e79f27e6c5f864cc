"""What a party ledger's opening balance adds to the entries loaded before it.

An opening balance is the books' balance on its day: it stands for everything before it. The
ledgers of a customer may be loaded in any order, with gaps (January to March, then July to
September) and overlaps; the entries loaded before an opening balance may add up to it (the
ledger of the period before it was loaded, and agrees), to something else (a period between
is missing, or the ledgers disagree), or to nothing (none loaded). In every case what the
customer owed on that day is the opening balance, so it counts for the difference between it
and the balance the entries before it give: nothing when they agree, all of it when there are
none. The entries themselves are kept, so the history of invoices and payments is whole.

This depends only on the entries stored, not on the order in which the ledgers were loaded:
any order gives the same balances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import chain, groupby
from operator import attrgetter

from analytics.ledger_kinds import (
    DAY_ORDER,
    OPENING_KINDS,
    OWED_KINDS,
    EntryKind,
    LedgerEntry,
    signed,
)

_DAY = attrgetter("entry_date")


def _order(entry: LedgerEntry) -> tuple[dt.date, int]:
    # Stable within a day and kind, as the settling of payments sorts (analytics/credit.py).
    return entry.entry_date, DAY_ORDER[entry.kind]


def _difference(day: dt.date, difference: Decimal) -> LedgerEntry | None:
    if difference > 0:
        return LedgerEntry(day, EntryKind.OPENING_DUE, difference)
    if difference < 0:
        return LedgerEntry(day, EntryKind.OPENING_ADVANCE, -difference)
    return None


def with_openings_counted(entries: Iterable[LedgerEntry]) -> Iterator[LedgerEntry]:
    """The entries in date order, the opening balances of each day (together: one balance,
    given in parts) replaced by what they add to the entries before them (nothing when they
    agree). Each book's opening balance is its own books' balance: counted against that
    book's entries only (a customer's ledgers in two companies' books add up)."""
    by_book: dict[str, list[LedgerEntry]] = {}
    for entry in entries:
        by_book.setdefault(entry.book, []).append(entry)
    if len(by_book) <= 1:
        yield from _counted(next(iter(by_book.values()), []))
        return
    yield from sorted(chain.from_iterable(map(_counted, by_book.values())), key=_order)


def _counted(entries: Iterable[LedgerEntry]) -> Iterator[LedgerEntry]:
    """`with_openings_counted` of one book's entries."""
    balance = Decimal(0)
    # Signs inline and a C key for the days: this runs for every ledger scored.
    for day, group in groupby(sorted(entries, key=_order), key=_DAY):
        stated: Decimal | None = None
        for entry in group:
            value = entry.amount if entry.kind in OWED_KINDS else -entry.amount
            if entry.kind in OPENING_KINDS:
                stated = value if stated is None else stated + value
                continue
            if stated is not None:
                # The day's openings come first: the balance before its entries.
                if (added := _difference(day, stated - balance)) is not None:
                    yield added
                balance, stated = stated, None
            balance += value
            yield entry
        if stated is not None:
            if (added := _difference(day, stated - balance)) is not None:
                yield added
            balance = stated


def balance_before(entries: Iterable[LedgerEntry], day: dt.date) -> Decimal:
    """The balance the entries give at the start of `day` (its opening balance excluded)."""
    return sum(
        (
            signed(entry.kind, entry.amount)
            for entry in with_openings_counted(e for e in entries if e.entry_date < day)
        ),
        Decimal(0),
    )
