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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.errors import FileRejected
from store.tables import METADATA

# Accounts per statement: the stored invoices of a file's customers are read in a few
# statements whatever the number of customers, each within every driver's bound limit.
_ACCOUNTS_PER_STATEMENT = 1000
# Lines removed per statement: four parameters a line.
_LINES_PER_STATEMENT = 250


@dataclass(frozen=True, slots=True)
class NumberedLines:
    """Where a kind of load keeps its numbered lines: the table, its date and number columns,
    the column that sets apart two kinds of line of one number (a ledger's invoice and the
    payment numbered as it), and what the refusal calls a line."""

    table: str
    date: str
    number: str
    kind: str | None
    noun: str
    nouns: str

    def key_columns(self) -> list[ColumnElement[Any]]:
        """account, kind ('' for a table of one kind), number, date."""
        columns = METADATA.tables[self.table].c
        kind = literal("") if self.kind is None else columns[self.kind]
        return [columns.account_id, kind, columns[self.number], columns[self.date]]


SALE_LINES = NumberedLines("sale_line", "sale_date", "invoice", None, "invoice", "invoices")
LEDGER_ENTRIES = NumberedLines(
    "ledger_entry", "entry_date", "reference", "kind", "entry", "entries"
)

# A line of a load: account, date, number ("" for none), kind ("" for a sale line).
Numbered = tuple[str, dt.date, str, str]
# (account, kind, number) -> the dates the file gives it
_Key = tuple[str, str, str]
# account, kind, number, the stored date, the file's date (the stored one swapped)
_Conflict = tuple[str, str, str, dt.date, dt.date]


def _file_invoices(lines: Iterable[Numbered], moved: Mapping[str, str]) -> dict[_Key, set[dt.date]]:
    dates: dict[_Key, set[dt.date]] = {}
    for account, day, number, kind in lines:
        if number:
            dates.setdefault((moved.get(account, account), kind, number), set()).add(day)
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
    ) -> None:
        self._lines = lines
        self._moved = moved
        # The order of day and month was given for this load (`--dates`): it corrects.
        self._order_given = order_given
        self._where = where

    async def check(self, connection: AsyncConnection) -> Sequence[str]:
        """Raises `FileRejected` naming the first invoice given another date, and both; with
        the order given, removes the stored lines at the swapped dates instead (the notes)."""
        dates = _file_invoices(self._lines, self._moved)
        if not dates:
            return []
        where = self._where
        columns = METADATA.tables[where.table].c
        accounts = sorted({account for account, _kind, _number in dates})
        conflicts: list[_Conflict] = []
        for start in range(0, len(accounts), _ACCOUNTS_PER_STATEMENT):
            chunk = accounts[start : start + _ACCOUNTS_PER_STATEMENT]
            stored = await connection.execute(
                select(*where.key_columns())
                .where(columns.account_id.in_(chunk), columns[where.number] != "")
                .distinct()
            )
            for account, kind_value, number, day in stored:
                days = dates.get((account, kind_value, number))
                if days is None or day in days:
                    continue
                swapped = _swapped(day)
                if swapped is not None and swapped in days:
                    conflicts.append((account, kind_value, number, day, swapped))
        if not conflicts:
            return []
        if not self._order_given:
            raise FileRejected(_reason(sorted(conflicts), where))
        return await _corrected(connection, conflicts, where)


async def _corrected(
    connection: AsyncConnection, conflicts: list[_Conflict], where: NumberedLines
) -> list[str]:
    """Removes the stored lines of each invoice at its misread date."""
    keys = sorted(conflict[:4] for conflict in conflicts)
    for start in range(0, len(keys), _LINES_PER_STATEMENT):
        await connection.execute(
            delete(METADATA.tables[where.table]).where(
                tuple_(*where.key_columns()).in_(keys[start : start + _LINES_PER_STATEMENT])
            )
        )
    invoices = counted(len(keys), where.noun, where.nouns)
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
