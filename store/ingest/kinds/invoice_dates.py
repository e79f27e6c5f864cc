"""An invoice keeps its date: a sales or ledger load that would store an invoice number (a
ledger's invoice or payment number) already stored for the same customer at that date with
day and month the other way round is refused.

A sale line is known by its customer, date, invoice number and place, and a ledger entry by
its customer, date, kind, number and place, so an invoice read at another date is another
line: if one export's `04/01/2024` was read as 4 January and the next export's as 1 April, the
invoice would be counted twice and its revenue (or what the customer owes) doubled. Only that
misreading is refused: invoice numbers restart each year (`1`, `2`... of a Tally register
without the year in its voucher numbers, from April with the financial year), so the same
number at any other date is another invoice. A ledger's invoice and payment are apart: a
receipt may be numbered as the invoice it pays.

A load whose order of day and month is given now (`--dates day-first|month-first`, as the
refusal advises) says which reading is right: the stored lines of its invoices at the swapped
dates are the earlier load's misreading, and are removed before its lines are written (said in
its notes), so that a misread load can be corrected and is still never counted twice.

Only a date written so that it reads both ways (`04/01/2024`) can have been misread: each
stored line keeps whether its date did (`date_ambiguous`). A stored date that read one way
only (`10-Mar-24`, `2024-03-10`, `13/03/2024`) and a file's date that reads one way only are
two dates, not one misread: Tally's `Sales 8` of 10 March 2024 and of 3 October 2024 (numbers
restart every April) in Day Books exported without their titles. Nor is a line of another
voucher type (`Sales 7` stored, `Export Sales 7` in the file: numbered apart) a misreading of
it. With `--dates` the file's reading is the one given, and only stored lines whose date
could be misread are removed. Lines stored before this was kept (NULL) count as misreadable,
as they always did.

A file whose title states its period (`1-Apr-24 to 31-Mar-25`) and whose dates are written
with the month's name (Tally's `10-Mar-24`, which no reading swaps) speaks only for that
period (`covers`): a stored line dated outside it is another line of the same number, not
its misreading: Tally's `Sales 8` of 10 March 2024 and of 3 October 2024 (numbers restart every
April), or two installments of one bill, each stored under the bill's number. A file of
dates in numbers alone, or without a period, is checked against every stored date: an
earlier load may have read such dates the other way at any date (a QuickBooks report read day
first against its own title, as `--dates day-first` says).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.errors import FileRejected
from store.ingest.keyed_rows import rows_changed
from store.ingest.kinds.stored_invoices import SALE_LINES, NumberedLines, StoredInvoices
from store.tables import METADATA

# A line of a load: account, date, number ("" for none), kind ("" for a sale line), voucher
# type (None when unknown), and whether its date cell reads both ways.
Numbered = tuple[str, dt.date, str, str, str | None, bool]
# (account, kind, number) -> the dates the file gives it
_Key = tuple[str, str, str]
# account, kind, number, the stored date, the file's date (the stored one swapped)
_Conflict = tuple[str, str, str, dt.date, dt.date]


@dataclass(slots=True)
class _Dated:
    """A file's lines of one invoice at one date: their voucher types, and whether a date
    cell of theirs reads both ways."""

    types: set[str | None] = field(default_factory=set)
    both_ways: bool = False


def _file_invoices(
    lines: Iterable[Numbered], moved: Mapping[str, str]
) -> dict[_Key, dict[dt.date, _Dated]]:
    dates: dict[_Key, dict[dt.date, _Dated]] = {}
    for account, day, number, kind, voucher, both_ways in lines:
        if number:
            key = (moved.get(account, account), kind, number)
            dated = dates.setdefault(key, {}).setdefault(day, _Dated())
            dated.types.add(voucher)
            dated.both_ways = dated.both_ways or both_ways
    return dates


class InvoiceDates:
    """The check of a load's invoices against the stored ones, run in its transaction."""

    def __init__(
        self,
        lines: Iterable[Numbered],
        moved: Mapping[str, str],
        *,
        order_given: bool = False,
        where: NumberedLines = SALE_LINES,
        stored: StoredInvoices | None = None,
        covers: tuple[dt.date, dt.date] | None = None,
    ) -> None:
        self._lines = lines
        self._moved = moved
        # The period the file's title states (first and last day), if it states one.
        self._covers = covers
        # The order of day and month was given for this load (`--dates`): it corrects.
        self._order_given = order_given
        self._where = where
        # The stored lines of the file's invoices, read here first and shared with the load's
        # later steps (`store.ingest.kinds.stored_invoices`).
        self.stored = StoredInvoices(where) if stored is None else stored

    async def check(self, connection: AsyncConnection) -> Sequence[str]:
        """Raises `FileRejected` naming the first invoice given another date, and both; with
        the order given, removes the stored lines at the swapped dates instead (the notes)."""
        dates = _file_invoices(self._lines, self._moved)
        where = self._where
        # Only the stored lines of the file's own invoices (account, kind, number) are read:
        # all of them, for the load's later steps too.
        keys = {where.key_values(*key): key for key in dates}
        stored = await self.stored.of(connection, keys)
        self.stored.read_whole_file()
        # An invoice's several stored lines at one date are one conflict: whether any of
        # them may be the misreading.
        conflicts: dict[_Conflict, bool] = {}
        covers = self._covers
        for values, lines in stored.items():
            key = keys[values]
            days = dates[key]
            for day, _line, _amount, _taxed, voucher, both_ways in lines:
                if day in days or (covers is not None and not covers[0] <= day <= covers[1]):
                    continue
                swapped = _swapped(day)
                if swapped is None or swapped not in days:
                    continue
                given = days[swapped]
                if voucher is not None and None not in given.types and voucher not in given.types:
                    continue  # another voucher type's number
                misread = both_ways is not False
                if misread or given.both_ways:
                    conflict = (*key, day, swapped)
                    conflicts[conflict] = conflicts.get(conflict, False) or misread
        if not conflicts:
            return []
        if not self._order_given:
            raise FileRejected(_reason(sorted(conflicts), where))
        # This file's reading is given: the stored lines whose date read one way only stand.
        misreadings = {conflict for conflict, misreadable in conflicts.items() if misreadable}
        return await _corrected(connection, misreadings, self.stored) if misreadings else []


async def _corrected(
    connection: AsyncConnection, conflicts: set[_Conflict], stored: StoredInvoices
) -> list[str]:
    """Removes the stored lines of each invoice at its misread date."""
    where = stored.where
    lines = sorted(
        (*where.key_values(account, kind, number), day)
        for account, kind, number, day, _swapped_day in conflicts
    )
    for account, kind, number, day, _swapped_day in conflicts:
        stored.drop(where.key_values(account, kind, number), day)
    table = METADATA.tables[where.table]
    await rows_changed(connection, where.dated(), lines, delete(table))
    invoices = counted(len(lines), where.noun, where.nouns)
    return [
        f"Moved {invoices} stored with day and month swapped (by an earlier load read the "
        "other way round) to this file's dates, as --dates says"
    ]


def _swapped(day: dt.date) -> dt.date | None:
    """`day` with its day and month read the other way round (None when that is no date or
    the same one): the only other date a misread file can give a stored invoice. Any other
    second date is allowed: voucher numbers restart every year (Tally's in April, with the
    financial year), so one customer's invoice 850 of February and of December are two."""
    try:
        other = dt.date(day.year, day.day, day.month)
    except ValueError:
        return None
    return None if other == day else other


def _reason(conflicts: list[_Conflict], where: NumberedLines) -> str:
    account, kind, number, stored, new = conflicts[0]
    more = len(conflicts) - 1
    noun = where.noun
    named = f"{kind or noun} {number}"
    return (
        f"{named} of {account} is stored dated {stored.isoformat()}, and this "
        f"file dates it {new.isoformat()}"
        + (f" ({counted(more, f'more {noun}', f'more {where.nouns}')} likewise)" if more else "")
        + f": {'an' if noun[0] in 'aeiou' else 'a'} {noun} keeps its date, so nothing was loaded "
        "(if day and month were read the wrong way round, give the order with --dates "
        "day-first or --dates month-first)"
    )
