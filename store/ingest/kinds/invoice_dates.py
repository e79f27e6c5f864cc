"""An invoice keeps its date: a sales load that would store an invoice number already stored
for the same customer at that date with day and month the other way round is refused.

A sale line is known by its customer, date, invoice number and place, so an invoice read at
another date is another line: if one export's `04/01/2024` was read as 4 January and the next
export's as 1 April, the invoice would be counted twice and its revenue doubled. Only that
misreading is refused: invoice numbers restart each year (`1`, `2`... of a Tally register
without the year in its voucher numbers, from April with the financial year), so the same
number at any other date is another invoice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.errors import FileRejected
from store.ingest.keyed_rows import rows_with_keys
from store.tables import METADATA


def _file_invoices(
    lines: Iterable[tuple[str, dt.date, str]], moved: Mapping[str, str]
) -> dict[tuple[str, str], set[dt.date]]:
    dates: dict[tuple[str, str], set[dt.date]] = {}
    for account, day, invoice in lines:
        if invoice:
            dates.setdefault((moved.get(account, account), invoice), set()).add(day)
    return dates


class InvoiceDates:
    """The check of a load's invoices against the stored ones, run in its transaction."""

    def __init__(self, lines: Iterable[tuple[str, dt.date, str]], moved: Mapping[str, str]) -> None:
        self._lines = lines
        self._moved = moved

    async def check(self, connection: AsyncConnection) -> None:
        """Raises `FileRejected` naming the first invoice given another date, and both."""
        dates = _file_invoices(self._lines, self._moved)
        if not dates:
            return
        sale_line = METADATA.tables["sale_line"].c
        # Only the stored lines of the file's own invoices (customer and number) are read.
        stored = await rows_with_keys(
            connection,
            (sale_line.account_id, sale_line.invoice),
            sorted(dates),
            sale_line.sale_date,
        )
        conflicts: set[tuple[str, str, dt.date, dt.date]] = set()
        for account, invoice, day in stored:
            days = dates.get((account, invoice))
            if days is None or day in days:
                continue
            swapped = _swapped(day)
            if swapped is not None and swapped in days:
                conflicts.add((account, invoice, day, swapped))
        if conflicts:
            raise FileRejected(_reason(sorted(conflicts)))


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


def _reason(conflicts: list[tuple[str, str, dt.date, dt.date]]) -> str:
    account, invoice, stored, new = conflicts[0]
    more = len(conflicts) - 1
    return (
        f"invoice {invoice} of {account} is stored dated {stored.isoformat()}, and this "
        f"file dates it {new.isoformat()}"
        + (f" ({counted(more, 'more invoice', 'more invoices')} likewise)" if more else "")
        + ": an invoice keeps its date, so nothing was loaded (if day and month were read "
        "the wrong way round, give the order with --dates day-first or --dates month-first)"
    )
