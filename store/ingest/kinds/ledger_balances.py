"""The opening and closing balance lines of the ledger of one party.

The `Opening Balance` line is what the customer owed (a debit) or had paid in advance (a
credit) on the first day of the ledger's period: the title's period (`1-Apr-2025 to
30-Jun-2025`), else the line's own date, else the first entry's. It is stored as an entry of
its own (`analytics.credit.EntryKind.OPENING_DUE` or `OPENING_ADVANCE`; a zero one too: it
says nothing was owed), so that it is in what is owed and in credit risk but never counted as
an invoice or a payment. One is kept per account and day: a reload replaces it.

An opening balance is the books' balance on its day, and counts for what the entries loaded
before it do not give (`analytics.opening_balances`): nothing when the ledger of the period
before it is loaded and agrees, all of it when none is. Ledgers may be loaded in any order,
with gaps and overlaps: the balances are the same. The load says, for its own opening
balance and every one stored after its first entry, whether the entries before it agree.

The `Closing Balance` line is checked against the file's entries and opening balance, amount
and side. Written in a Debit or Credit column, it is on either side, and both are Tally's:
its Ledger Vouchers report prints a debtor's closing balance under Debit, on its own side,
and a ledger balanced as an account (`By Closing Balance`, `c/d`) writes it under Credit, on
the other side, so that the columns' totals agree. The column alone cannot tell which, so the
balance agrees when either reading gives the entries' balance. With its own mark (`Dr`/`Cr`,
a side column, a sign) it is on its own side. A different balance is reported in one line (the
load goes on: the entries are what they are); it suggests debits and credits swapped only when
the amounts agree and the sides do not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.export_amounts import Amount, Side
from analytics.export_columns import normalize
from analytics.ledger_kinds import OPENING_KINDS, EntryKind, LedgerEntry, signed
from analytics.money import money
from analytics.opening_balances import balance_before
from analytics.report_period import period_start
from store.ingest.plan import Before
from store.ingest.progress import IngestProgress
from store.ingest.reading import Row
from store.ingest.two_cell_particulars import without_side_word
from store.tables import LEDGER_TABLE

_OTHER_SIDE = {
    EntryKind.OPENING_DUE: EntryKind.OPENING_ADVANCE,
    EntryKind.OPENING_ADVANCE: EntryKind.OPENING_DUE,
}
_OPENING = frozenset(
    normalize(text)
    for text in ("opening balance", "opening bal", "op bal", "brought forward", "b/f", "b/d")
)
_CLOSING = frozenset(
    normalize(text)
    for text in ("closing balance", "closing bal", "cl bal", "carried forward", "c/f", "c/d")
)
_ledger = LEDGER_TABLE.c


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


def shown_side(balance: Decimal) -> str:
    return "Cr" if balance < 0 else "Dr"


def shown_balance(balance: Decimal) -> str:
    return f"{abs(balance):,.2f} {shown_side(balance)}"


@dataclass(slots=True)
class _Line:
    line: int
    amount: Amount
    day: dt.date | None
    # Its side from a Debit or Credit column, not from its own mark (Dr/Cr, a sign).
    in_side_column: bool = False


class LedgerBalances:
    """The balance lines of one party's ledger, as `LedgerValidator` meets them."""

    def __init__(self, title: Sequence[Sequence[str]]) -> None:
        self._period_start = period_start(title)
        self.opening: _Line | None = None
        self.closing: _Line | None = None

    def take(
        self,
        kind: str,
        line: int,
        amount: Amount,
        day: dt.date | None,
        *,
        in_side_column: bool = False,
    ) -> None:
        taken = _Line(line, amount, day, in_side_column)
        if kind == "opening":
            self.opening = taken
        else:
            self.closing = taken

    def opening_of(
        self, first_day: dt.date | None
    ) -> tuple[dt.date, EntryKind, Decimal] | str | None:
        """The opening balance as an entry (date, kind, positive amount; a zero one says
        nothing was owed); a note saying why it is not one; or None without one."""
        opening = self.opening
        if opening is None:
            return None
        value = opening.amount.value
        day = self._period_start or opening.day or first_day
        if day is None:
            if value == 0:
                return None
            return (
                f"Opening balance on line {opening.line} not loaded: neither the title's "
                f"period, the line nor an entry gives its date"
            )
        credit = opening.amount.side is Side.CREDIT or (opening.amount.side is None and value < 0)
        kind = EntryKind.OPENING_ADVANCE if credit else EntryKind.OPENING_DUE
        return day, kind, abs(value)

    def closing_note(self, entries: Sequence[tuple[EntryKind, Decimal]]) -> str | None:
        """Whether the closing balance line agrees with the file's entries (opening balance
        included), amount and side, in one line; None without a closing balance line."""
        closing = self.closing
        if closing is None:
            return None
        balance = sum((signed(kind, amount) for kind, amount in entries), Decimal(0))
        readings = _stated_balances(closing)
        if balance in readings:
            return f"Closing balance {shown_balance(balance)} agrees with the entries loaded"
        written = readings[0]
        if len(readings) > 1:
            column = "Debit" if closing.amount.side is Side.DEBIT else "Credit"
            stated = (
                f"{abs(written):,.2f} written under {column} (a {shown_side(written)} balance, "
                f"or {shown_side(-written)} if it balances the columns)"
            )
        else:
            stated = shown_balance(written)
        causes = "some of the file's lines are not entries, or the file is not the whole period"
        if abs(written) == abs(balance):
            causes = (
                "some of the file's lines are not entries, the file is not the whole period, "
                "or its debits and credits are swapped"
            )
        return (
            f"Closing balance on line {closing.line} is {stated} but the entries loaded (with "
            f"the opening balance) give {shown_balance(balance)}: {causes}"
        )


def _stated_balances(closing: _Line) -> tuple[Decimal, ...]:
    """The balances a closing line may state, positive when the customer owes: one with its
    own mark (or none); two in a Debit or Credit column, its own side first (Tally's Ledger
    Vouchers: a debit balance under Debit), then the other (a ledger balanced as an account:
    a debit balance under Credit, so that the columns' totals agree)."""
    value = abs(closing.amount.value)
    side = closing.amount.side
    if side is None:
        return (closing.amount.value,)
    own = value if side is Side.DEBIT else -value
    if closing.in_side_column and own != 0:
        return (own, -own)
    return (own,)


# account (moved), date, kind, reference, place, amount, then its due date (when the file
# gives due dates) and what the entry records of where it came from (its voucher number, its
# date's reading, its voucher type): a ledger load's rows as written
# (store/ingest/kinds/ledger.py)
_Row = tuple[str, dt.date, str, str, int, Decimal, *tuple[object, ...]]
# date, kind, reference, place: an entry's key within its account
_Key = tuple[dt.date, str, str, int, str]
# account, kind, reference, date, place: a stored entry the load removes
_Stale = tuple[str, str, str, dt.date, int, str]


class OpeningCheck:
    """The `before` work of a ledger load with an opening balance: removes a stored opening
    balance of the other side on the same day (the file's replaces it), and says what each
    opening balance the load touches adds to the entries before it, in the ledger as the load
    leaves it (its entries in their places, the stale entries it removes gone). Two
    statements, whatever the number of parties and entries."""

    def __init__(
        self,
        rows: Iterable[_Row],
        stale: Callable[[], Iterable[_Stale]],
        then: Before | None,
        *,
        book: str = "",
    ) -> None:
        self._rows = rows
        self._stale = stale
        self._then = then
        # The load's book: an opening balance is that book's, checked against its entries.
        self._book = book

    async def __call__(
        self, connection: AsyncConnection, progress: IngestProgress
    ) -> Sequence[str]:
        notes = list(await self._then(connection, progress)) if self._then is not None else []
        # After the moves and places (`then`): the rows as they will be written.
        mine = list(self._rows)
        openings = [row for row in mine if EntryKind(row[2]) in OPENING_KINDS]
        if not openings:
            return notes
        await connection.execute(
            delete(LEDGER_TABLE).where(
                or_(
                    *(
                        and_(
                            _ledger.account_id == account,
                            _ledger.entry_date == day,
                            _ledger.kind == _OTHER_SIDE[EntryKind(kind)].value,
                        )
                        for account, day, kind, *_rest in openings
                    )
                ),
                _ledger.book == self._book,
            )
        )
        accounts = sorted({row[0] for row in openings})
        stored = await connection.execute(
            select(
                _ledger.account_id,
                _ledger.entry_date,
                _ledger.kind,
                _ledger.reference,
                _ledger.line,
                _ledger.amount,
                _ledger.voucher_type,
            ).where(_ledger.account_id.in_(accounts), _ledger.book == self._book)
        )
        # Each account's ledger as it will be after this load: the stale entries gone, the
        # file's entries in the places they take.
        ledgers: dict[str, dict[_Key, LedgerEntry]] = {account: {} for account in accounts}
        for account, day, kind, reference, line, amount, voucher in stored:
            ledgers[account][(day, kind, reference, line, voucher)] = LedgerEntry(
                day, EntryKind(kind), amount
            )
        for account, kind, reference, day, line, voucher in self._stale():
            if account in ledgers:
                ledgers[account].pop((day, kind, reference, line, voucher), None)
        firsts: dict[str, dt.date] = {}
        for account, day, kind, reference, line, amount, *records in mine:
            if account not in ledgers:
                continue
            # The voucher type is the last record of a row (part of the key: revision 0029).
            key = (day, kind, reference, line, str(records[-1]))
            ledgers[account][key] = LedgerEntry(day, EntryKind(kind), money(amount))
            firsts[account] = min(day, firsts.get(account, day))
        file_openings = {(kept[0], kept[1]) for kept in openings}
        for account in accounts:
            entries = list(ledgers[account].values())
            # The file's own opening balance and those after its first entry: the others
            # have no entry of this load before them.
            touched = sorted(
                (e for e in entries if e.kind in OPENING_KINDS and e.entry_date >= firsts[account]),
                key=lambda e: e.entry_date,
            )
            for entry in touched:
                note = _opening_note(
                    account, entry, entries, ours=(account, entry.entry_date) in file_openings
                )
                if note is not None:
                    notes.append(note)
        return notes


def _opening_note(
    account: str, opening: LedgerEntry, entries: Sequence[LedgerEntry], *, ours: bool
) -> str | None:
    """What the load says of one opening balance: what it adds to the entries before it."""
    day = opening.entry_date
    before = [entry for entry in entries if entry.entry_date < day]
    mine = signed(opening.kind, opening.amount)
    if not before:
        if not ours or mine == 0:
            return None
        owed = "owed by the customer" if mine > 0 else "an advance"
        return (
            f"Opening balance {abs(mine):,.2f} ({owed}) loaded as of {day}: in what is owed "
            f"and in credit risk, not an invoice or a payment"
        )
    earlier = balance_before(before, day)
    which = "" if ours else " loaded before"
    if earlier == mine:
        return (
            f"Opening balance of {account} on {day}{which} ({shown_balance(mine)}) agrees with "
            f"the {counted(len(before), 'entry', 'entries')} loaded before it: it adds nothing "
            f"to them"
        )
    return (
        f"Opening balance of {account} on {day}{which} is {shown_balance(mine)} but the "
        f"{counted(len(before), 'entry', 'entries')} loaded before it give "
        f"{shown_balance(earlier)}: it counts for "
        f"the difference, {shown_balance(mine - earlier)} (a ledger between them is not "
        f"loaded, or the ledgers disagree)"
    )
