"""An opening balance counts for what the entries before it do not give: nothing when they
agree, the difference when they do not; the balance it leaves is always its own, whatever the
entries before it and whatever order they come in."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from analytics.ledger_kinds import OPENING_KINDS, EntryKind, LedgerEntry, signed
from analytics.opening_balances import balance_before, with_openings_counted

START = dt.date(2025, 1, 1)
entries_ = st.lists(
    st.builds(
        LedgerEntry,
        st.integers(0, 200).map(lambda days: START + dt.timedelta(days=days)),
        st.sampled_from([EntryKind.INVOICE, EntryKind.PAYMENT]),
        st.integers(1, 10**6).map(lambda cents: Decimal(cents) / 100),
        due_date=st.none(),
        reference=st.just(""),
        book=st.just(""),
    ),
    max_size=30,
)
openings_ = st.lists(
    st.builds(
        LedgerEntry,
        st.integers(0, 200).map(lambda days: START + dt.timedelta(days=days)),
        st.sampled_from(sorted(OPENING_KINDS)),
        st.integers(0, 10**6).map(lambda cents: Decimal(cents) / 100),
        due_date=st.none(),
        reference=st.just(""),
        book=st.just(""),
    ),
    max_size=4,
    unique_by=lambda entry: entry.entry_date,
)


def _balance(entries: list[LedgerEntry]) -> Decimal:
    return sum((signed(entry.kind, entry.amount) for entry in entries), Decimal(0))


@given(entries_, openings_, st.randoms())
def test_the_balance_is_the_last_opening_and_what_came_after_it(
    entries: list[LedgerEntry], openings: list[LedgerEntry], shuffler: random.Random
) -> None:
    everything = [*entries, *openings]
    shuffler.shuffle(everything)
    counted = list(with_openings_counted(everything))
    if openings:
        last = max(openings, key=lambda entry: entry.entry_date)
        after = [entry for entry in entries if entry.entry_date >= last.entry_date]
        expected = signed(last.kind, last.amount) + _balance(after)
    else:
        expected = _balance(entries)
    assert _balance(counted) == expected
    # The entries are all kept, in date order; only openings are replaced.
    assert Counter(e for e in counted if e.kind not in OPENING_KINDS) == Counter(entries)
    assert [e.entry_date for e in counted] == sorted(e.entry_date for e in counted)


@given(entries_, st.lists(st.integers(0, 200), max_size=4, unique=True))
def test_openings_that_agree_with_the_entries_before_them_add_nothing(
    entries: list[LedgerEntry], days: list[int]
) -> None:
    openings = []
    for offset in days:
        day = START + dt.timedelta(days=offset)
        owed = balance_before(entries, day)
        kind = EntryKind.OPENING_DUE if owed >= 0 else EntryKind.OPENING_ADVANCE
        openings.append(LedgerEntry(day, kind, abs(owed)))
    counted = list(with_openings_counted([*openings, *entries]))
    assert Counter(counted) == Counter(entries)


def test_a_later_opening_counts_for_what_an_earlier_ledger_does_not_give() -> None:
    """Jan-Mar (1,000 invoiced), then Jul-Sep (50,000 owed on 1 Jul, 10,000 invoiced)."""
    entries = [
        LedgerEntry(dt.date(2025, 1, 5), EntryKind.INVOICE, Decimal(1000)),
        LedgerEntry(dt.date(2025, 7, 1), EntryKind.OPENING_DUE, Decimal(50000)),
        LedgerEntry(dt.date(2025, 7, 5), EntryKind.INVOICE, Decimal(10000)),
    ]
    assert list(with_openings_counted(entries)) == [
        entries[0],
        LedgerEntry(dt.date(2025, 7, 1), EntryKind.OPENING_DUE, Decimal(49000)),
        entries[2],
    ]
    assert balance_before(entries, dt.date(2025, 7, 5)) == Decimal(50000)
