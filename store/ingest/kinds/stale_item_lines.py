"""The stored lines of an invoice beyond those the load writes for it: removed in its transaction.

A load that holds an invoice (same account, date and invoice number) holds the whole invoice:
its lines 1..n replace what was stored, and a stored line n+1.. is one the books no longer
have. Two ways it happens:

- an invoice edited down to fewer items: stored lines 1..3 of INV-7, the new export has two
  item rows; line 3 would stay and keep counting in revenue and segments;
- an earlier version stored each item row of a Zoho invoice (`SubTotal` repeated on each) as a
  line of its own, the whole invoice's amount on every one; counted once now, the invoice is
  line 1 alone, and lines 2..N would keep its revenue N times.

Why a file holds whole invoices: the exports read here list every line of each invoice they
name. A Tally Day Book or sales register has whole vouchers (a detailed register's items under
their voucher, the voucher's total otherwise); Zoho's invoice export has every item row of an
invoice, on one date. A report cut by item or category would hold part of an invoice: none of
the kinds read one, and an invoice split over two files of one app would lose the lines of the
first on loading the second. Lines without an invoice number name no invoice and are not
touched, nor are the invoices whose stored lines before tax stay (`TaxedAmounts.kept_stored`:
the load writes none of their lines).

A ledger's entries (customer, date, kind, number) are trimmed alike, but by their own rule
(`store.ingest.kinds.ledger_places`): only a whole ledger, with invoices and payments, holds
every entry of a number; a receipts-only file does not.

What is stale is found from the stored lines the load read already
(`store.ingest.kinds.stored_invoices`, as they stand after its moves): a load whose invoices
have no stored line beyond those it writes (a first load, a reload of the same file) deletes
nothing and runs no statement.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.keyed_rows import KEYS_PER_STATEMENT, key_in
from store.ingest.kinds.stored_invoices import SALE_LINES, InvoiceKey, StoredInvoices
from store.ingest.plan import Values
from store.tables import METADATA

# An invoice's key (`NumberedLines.key_values`) and the date of its lines.
_Dated = tuple[InvoiceKey, dt.date]


class StaleItemLines:
    """The stored lines beyond the last the load writes of each numbered invoice (`rows`: the
    rows as written, accounts moved: a sale line's account, date, invoice and line first, a
    ledger entry's account, date, kind, number and line; a ledger load places and trims its
    entries with `ledger_places`)."""

    def __init__(self, rows: Iterable[Values], stored: StoredInvoices | None = None) -> None:
        self._rows = rows
        self._stored = StoredInvoices(SALE_LINES) if stored is None else stored

    def _last_lines(self) -> dict[_Dated, int]:
        """The number of lines the load writes of each numbered invoice, by invoice and date."""
        where = self._stored.where
        last: dict[_Dated, int] = {}
        if where.kind is None:
            for account, day, invoice, line, *_values in self._rows:
                if invoice:
                    # With the load's book, if its lines have one (`stored_invoices`).
                    key: _Dated = (where.key_values(account, "", invoice), day)
                    if line > last.get(key, 0):
                        last[key] = line
        else:
            for account, day, kind, number, line, *_values in self._rows:
                if number:
                    key = ((account, kind, number), day)
                    if line > last.get(key, 0):
                        last[key] = line
        return last

    async def remove(self, connection: AsyncConnection) -> int:
        """Deletes them; how many there were. Read when the load writes, after its `before`
        (which settles the invoices whose stored lines stay)."""
        if self._stored.none_stored():
            # None of the file's invoices has a stored line (a first load): nothing is stale.
            return 0
        last = self._last_lines()
        if not last:
            return 0
        stored = await self._stored.of(connection, {key for key, _day in last})
        by_count: dict[int, list[tuple[object, ...]]] = defaultdict(list)
        for key, lines in stored.items():
            for day in {day for day, line, *_rest in lines if line > last.get((key, day), line)}:
                by_count[last[(key, day)]].append((*key, day))
        if not by_count:
            return 0
        where = self._stored.where
        table = METADATA.tables[where.table]
        removed = 0
        # One statement per batch of invoices with as many lines: most have one, a few.
        for count, invoices in sorted(by_count.items()):
            invoices.sort()
            for start in range(0, len(invoices), KEYS_PER_STATEMENT):
                batch = invoices[start : start + KEYS_PER_STATEMENT]
                result = await connection.execute(
                    delete(table).where(key_in(where.dated(), batch), table.c.line > count)
                )
                removed += result.rowcount
        return removed
