"""Invoices a sales export says are no sale (voided, cancelled, a draft), or a Day Book's
cancelled vouchers, whose lines or ledger entries an earlier export of the same period may have
stored when they still counted.

An invoice is voided after it was sent; Tally keeps a cancelled voucher's number and date, with
`(cancelled)` for its party. The line an earlier load stored for it would go on counting in
revenue and segments, since a load only adds and replaces lines. So the load that says so
removes it: the stored lines (or entries) of the file's app with its number and date (a voucher
number is unique on its day: Tally's restart each year, Zoho's never do). Keyed without the
customer, which a cancelled voucher no longer names. A line the file itself keeps under that
number and date is not touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.kinds.invoice_dates import SALE_LINES, NumberedLines
from store.tables import ACCOUNT_TABLE, METADATA

# (date, invoice) pairs per statement: within every driver's bound-parameter limit.
_KEYS_PER_STATEMENT = 500


class WithdrawnInvoices:
    """The (date, invoice number) of each line of a load that is no sale, and where the
    stored lines they withdraw are (sale lines, or ledger entries)."""

    def __init__(self, where: NumberedLines = SALE_LINES) -> None:
        self._keys: set[tuple[dt.date, str]] = set()
        self._where = where

    def __bool__(self) -> bool:
        return bool(self._keys)

    def add(self, day: dt.date | None, invoice: str | None) -> None:
        """A line that is no sale; one without a date or number can name no stored line."""
        if day is not None and invoice:
            self._keys.add((day, invoice))

    async def remove(
        self, connection: AsyncConnection, *, app: str, kept: Iterable[tuple[str, dt.date, str]]
    ) -> Sequence[str]:
        """Delete the stored lines of `app` of these invoices, but for those the file keeps
        (`kept`: account, date, invoice); the note that says how many, if any."""
        keys = sorted(self._keys - {(day, invoice) for _account, day, invoice in kept})
        if not keys:
            return []
        where = self._where
        table = METADATA.tables[where.table]
        accounts = select(ACCOUNT_TABLE.c.account_id).where(ACCOUNT_TABLE.c.app_id == app)
        removed = 0
        for start in range(0, len(keys), _KEYS_PER_STATEMENT):
            batch = keys[start : start + _KEYS_PER_STATEMENT]
            result = await connection.execute(
                delete(table).where(
                    table.c.account_id.in_(accounts),
                    tuple_(table.c[where.date], table.c[where.number]).in_(batch),
                )
            )
            removed += result.rowcount
        if not removed:
            return []
        if where is SALE_LINES:
            lines = counted(
                removed, "line of an invoice loaded before", "lines of invoices loaded before"
            )
        else:
            lines = counted(removed, f"{where.noun} loaded before", f"{where.nouns} loaded before")
        return [f"Removed {lines} that this file says is no sale (void, draft, cancelled)"]
