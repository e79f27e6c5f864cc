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

from store.ingest.keyed_rows import rows_changed
from store.ingest.kinds.stored_invoices import SALE_LINES, InvoiceKey, StoredInvoices
from store.ingest.plan import Values
from store.tables import METADATA

# An invoice's key (`NumberedLines.key_values`), the date of its lines, and their voucher type
# (a sale line's: part of its key, "" when unknown; "" for a ledger's entries).
_Dated = tuple[InvoiceKey, dt.date, str]


class StaleItemLines:
    """The stored lines beyond the last the load writes of each numbered invoice (`rows`: the
    rows as written, accounts moved: a sale line's account, date, invoice and line first, a
    ledger entry's account, date, kind, number and line; a ledger load places and trims its
    entries with `ledger_places`)."""

    def __init__(
        self,
        rows: Iterable[Values],
        stored: StoredInvoices | None = None,
        *,
        typed: int | None = None,
    ) -> None:
        self._rows = rows
        self._stored = StoredInvoices(SALE_LINES) if stored is None else stored
        # Where a sale line's row gives its voucher type: lines of one number and day are
        # trimmed within their type (another type's are another voucher's).
        self._typed = typed

    def _last_lines(self) -> dict[_Dated, int]:
        """The number of lines the load writes of each numbered invoice, by invoice and date."""
        where = self._stored.where
        last: dict[_Dated, int] = {}
        if where.kind is None:
            typed = self._typed
            for row in self._rows:
                account, day, invoice, line = row[:4]
                if invoice:
                    # With the load's book, if its lines have one (`stored_invoices`).
                    kind = "" if typed is None else row[typed]
                    key: _Dated = (where.key_values(account, "", invoice), day, kind)
                    if line > last.get(key, 0):
                        last[key] = line
        else:
            for account, day, kind, number, line, *_values in self._rows:
                if number:
                    key = ((account, kind, number), day, "")
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
        stored = await self._stored.of(connection, {key for key, _day, _kind in last})
        typed = self._typed is not None
        by_count: dict[tuple[int, str], list[tuple[object, ...]]] = defaultdict(list)
        for key, lines in stored.items():
            stale = set()
            for day, line, _amount, _taxed, kind, _both_ways in lines:
                # A sale line's type ("" when unknown, None in the stored lines); a ledger
                # entry's is no part of its key.
                dated = (key, day, (kind or "") if typed else "")
                if line > last.get(dated, line):
                    stale.add(dated)
            for dated in stale:
                by_count[(last[dated], dated[2])].append((*key, dated[1]))
        if not by_count:
            return 0
        where = self._stored.where
        table = METADATA.tables[where.table]
        removed = 0
        # One statement per batch of invoices with as many lines: most have one, a few.
        for (count, kind), invoices in sorted(by_count.items()):
            invoices.sort()
            of_type = [table.c.voucher_type == kind] if typed else []
            removed += await rows_changed(
                connection,
                where.dated(),
                invoices,
                delete(table).where(table.c.line > count, *of_type),
            )
        return removed
