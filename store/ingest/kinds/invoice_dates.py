"""An invoice keeps its date: a sales load that would store an invoice number already stored
for the same customer at that date with day and month the other way round is refused.

A sale line is known by its customer, date, invoice number and place, so an invoice read at
another date is another line: if one export's `04/01/2024` was read as 4 January and the next
export's as 1 April, the invoice would be counted twice and its revenue doubled. Only that
misreading is refused: invoice numbers restart each year (`1`, `2`... of a Tally register
without the year in its voucher numbers, from April with the financial year), so the same
number at any other date is another invoice.

A load whose order of day and month is given now (`--dates day-first|month-first`, as the
refusal advises) says which reading is right: the stored lines of its invoices at the swapped
dates are the earlier load's misreading, and are removed before its lines are written (said in
its notes), so that a misread load can be corrected and is still never counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.errors import FileRejected
from store.tables import METADATA

# Accounts per statement: the stored invoices of a file's customers are read in a few
# statements whatever the number of customers, each within every driver's bound limit.
_ACCOUNTS_PER_STATEMENT = 1000


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

    def __init__(
        self,
        lines: Iterable[tuple[str, dt.date, str]],
        moved: Mapping[str, str],
        *,
        order_given: bool = False,
    ) -> None:
        self._lines = lines
        self._moved = moved
        # The order of day and month was given for this load (`--dates`): it corrects.
        self._order_given = order_given

    async def check(self, connection: AsyncConnection) -> Sequence[str]:
        """Raises `FileRejected` naming the first invoice given another date, and both; with
        the order given, removes the stored lines at the swapped dates instead (the notes)."""
        dates = _file_invoices(self._lines, self._moved)
        if not dates:
            return []
        sale_line = METADATA.tables["sale_line"].c
        accounts = sorted({account for account, _invoice in dates})
        conflicts: list[tuple[str, str, dt.date, dt.date]] = []
        for start in range(0, len(accounts), _ACCOUNTS_PER_STATEMENT):
            chunk = accounts[start : start + _ACCOUNTS_PER_STATEMENT]
            stored = await connection.execute(
                select(sale_line.account_id, sale_line.invoice, sale_line.sale_date)
                .where(sale_line.account_id.in_(chunk), sale_line.invoice != "")
                .distinct()
            )
            for account, invoice, day in stored:
                days = dates.get((account, invoice))
                if days is None or day in days:
                    continue
                swapped = _swapped(day)
                if swapped is not None and swapped in days:
                    conflicts.append((account, invoice, day, swapped))
        if not conflicts:
            return []
        if not self._order_given:
            raise FileRejected(_reason(sorted(conflicts)))
        return await _corrected(connection, conflicts)


async def _corrected(
    connection: AsyncConnection, conflicts: list[tuple[str, str, dt.date, dt.date]]
) -> list[str]:
    """Removes the stored lines of each (account, invoice) at its misread date."""
    sale_line = METADATA.tables["sale_line"].c
    keys = sorted((account, invoice, stored) for account, invoice, stored, _new in conflicts)
    # Three parameters a key: a third of the accounts' batch a statement.
    per_statement = _ACCOUNTS_PER_STATEMENT // 3
    for start in range(0, len(keys), per_statement):
        await connection.execute(
            delete(METADATA.tables["sale_line"]).where(
                tuple_(sale_line.account_id, sale_line.invoice, sale_line.sale_date).in_(
                    keys[start : start + per_statement]
                )
            )
        )
    invoices = counted(len(keys), "invoice", "invoices")
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
