"""The opening and closing balance lines of the ledger of one party.

The `Opening Balance` line is what the customer owed (a debit) or had paid in advance (a
credit) on the first day of the ledger's period: the title's period (`1-Apr-2025 to
30-Jun-2025`), else the line's own date, else the first entry's. It is stored as an entry of
its own (`analytics.credit.EntryKind.OPENING_DUE` or `OPENING_ADVANCE`), so that it is in
what is owed and in credit risk but never counted as an invoice or a payment.

An opening balance stands for the entries before it. So it is used only while no entry of
the party is stored before its date: when one is (the ledger of the next period, after this
one), it is checked against those entries' balance, the load says whether they agree, and it
is not stored; and an opening balance stored by an earlier load is removed when the load
brings entries dated before it (the ledger of an earlier period). Reloads stay idempotent:
the opening entry is known by its party and date like any other.

The `Closing Balance` line is checked against the file's entries and opening balance; Tally
writes it on the other side of the balance, so that the columns' totals agree, and another
export may write it on its own side: either agrees, a different amount is reported in one
line (the load goes on: the entries are what they are).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.credit import OWED_KINDS, EntryKind
from analytics.export_amounts import Amount, Side
from analytics.export_columns import normalize
from analytics.report_period import period_start
from store.ingest.progress import IngestProgress
from store.ingest.reading import Row
from store.ingest.two_cell_particulars import without_side_word
from store.tables import LEDGER_TABLE

OPENING_KINDS = frozenset((EntryKind.OPENING_DUE, EntryKind.OPENING_ADVANCE))
_OPENING = frozenset(
    normalize(text)
    for text in ("opening balance", "opening bal", "op bal", "brought forward", "b/f", "b/d")
)
_CLOSING = frozenset(
    normalize(text)
    for text in ("closing balance", "closing bal", "cl bal", "carried forward", "c/f", "c/d")
)
_ledger = LEDGER_TABLE.c

Before = Callable[[AsyncConnection, IngestProgress], Awaitable[Sequence[str]]]


def balance_line(row: Row) -> str | None:
    """`opening` or `closing` for a ledger's balance line (its `Particulars`, or its date
    cell, says so, after a side word: `By Closing Balance`), else None."""
    for key in ("customer", "date"):
        text = row.get(key)
        if text is None:
            continue
        name = normalize(without_side_word(text))
        if name in _OPENING:
            return "opening"
        if name in _CLOSING:
            return "closing"
    return None


def signed(kind: EntryKind, amount: Decimal) -> Decimal:
    """What an entry adds to what is owed."""
    return amount if kind in OWED_KINDS else -amount


def shown_balance(balance: Decimal) -> str:
    side = "Cr" if balance < 0 else "Dr"
    return f"{abs(balance):,.2f} {side}"


@dataclass(slots=True)
class _Line:
    line: int
    amount: Amount
    day: dt.date | None


class LedgerBalances:
    """The balance lines of one party's ledger, as `LedgerValidator` meets them."""

    def __init__(self, title: Sequence[Sequence[str]]) -> None:
        self._period_start = period_start(title)
        self.opening: _Line | None = None
        self.closing: _Line | None = None

    def take(self, kind: str, line: int, amount: Amount, day: dt.date | None) -> None:
        taken = _Line(line, amount, day)
        if kind == "opening":
            self.opening = taken
        else:
            self.closing = taken

    def opening_of(
        self, first_day: dt.date | None
    ) -> tuple[dt.date, EntryKind, Decimal] | str | None:
        """The opening balance as an entry (date, kind, positive amount); a note saying why
        it is not one; or None when the ledger has no opening balance (or a zero one)."""
        opening = self.opening
        if opening is None or opening.amount.value == 0:
            return None
        day = self._period_start or opening.day or first_day
        if day is None:
            return (
                f"Opening balance on line {opening.line} not loaded: neither the title's "
                f"period, the line nor an entry gives its date"
            )
        value = opening.amount.value
        credit = opening.amount.side is Side.CREDIT or (opening.amount.side is None and value < 0)
        kind = EntryKind.OPENING_ADVANCE if credit else EntryKind.OPENING_DUE
        return day, kind, abs(value)

    def closing_note(self, entries: Sequence[tuple[EntryKind, Decimal]]) -> str | None:
        """Whether the closing balance line agrees with the file's entries (opening balance
        included), in one line; None without a closing balance line."""
        closing = self.closing
        if closing is None:
            return None
        balance = sum((signed(kind, amount) for kind, amount in entries), Decimal(0))
        written = abs(closing.amount.value)
        if abs(balance) == written:
            return f"Closing balance {shown_balance(balance)} agrees with the entries loaded"
        return (
            f"Closing balance on line {closing.line} is {written:,.2f} but the entries loaded "
            f"(with the opening balance) give {shown_balance(balance)}: some of the file's "
            f"lines are not entries, or the file is not the whole period"
        )


class OpeningCheck:
    """The `before` work of a ledger load with opening balances: drops an opening balance
    that entries stored before its date stand for (saying whether they agree), and removes
    stored opening balances that the file's entries come before."""

    def __init__(
        self,
        kept: list[tuple[str, dt.date, EntryKind, str, Decimal, dt.date | None]],
        moved: dict[str, str],
        then: Before | None,
    ) -> None:
        self._kept = kept
        self._moved = moved
        self._then = then

    async def __call__(
        self, connection: AsyncConnection, progress: IngestProgress
    ) -> Sequence[str]:
        notes = list(await self._then(connection, progress)) if self._then is not None else []
        firsts: dict[str, dt.date] = {}
        for customer, day, _kind, _reference, _amount, _due in self._kept:
            account = self._moved.get(customer, customer)
            if account not in firsts or day < firsts[account]:
                firsts[account] = day
        for account, first in firsts.items():
            removed = await connection.execute(
                delete(LEDGER_TABLE).where(
                    _ledger.account_id == account,
                    _ledger.kind.in_([kind.value for kind in OPENING_KINDS]),
                    _ledger.entry_date > first,
                )
            )
            if removed.rowcount:
                notes.append(
                    f"Removed {removed.rowcount} opening balance of {account} loaded before: "
                    f"this file's entries from {first} come before it"
                )
        for index in reversed(range(len(self._kept))):
            customer, day, kind, _reference, amount, _due = self._kept[index]
            if kind not in OPENING_KINDS:
                continue
            account = self._moved.get(customer, customer)
            rows = await connection.execute(
                select(_ledger.kind, _ledger.amount).where(
                    _ledger.account_id == account, _ledger.entry_date < day
                )
            )
            stored = [(EntryKind(found_kind), found) for found_kind, found in rows]
            if not stored:
                owed = "owed by the customer" if kind is EntryKind.OPENING_DUE else "an advance"
                notes.append(
                    f"Opening balance {amount:,.2f} ({owed}) loaded as of {day}: in what is "
                    f"owed and in credit risk, not an invoice or a payment"
                )
                continue
            del self._kept[index]
            earlier = sum((signed(k, a) for k, a in stored), Decimal(0))
            mine = signed(kind, amount)
            if earlier == mine:
                notes.append(
                    f"Opening balance of {account} on {day} ({shown_balance(mine)}) agrees "
                    f"with the {len(stored)} entries loaded before it: not stored again"
                )
            else:
                notes.append(
                    f"Opening balance of {account} on {day} is {shown_balance(mine)} but the "
                    f"{len(stored)} entries loaded before it give {shown_balance(earlier)}: "
                    f"not stored (those entries stand for it); load the missing ledger or "
                    f"correct it"
                )
        return notes
