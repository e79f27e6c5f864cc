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
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.keyed_rows import KEYS_PER_STATEMENT, key_in
from store.ingest.plan import Values
from store.tables import METADATA


class StaleItemLines:
    """The stored lines beyond the last the load writes of each numbered invoice (`rows`: the
    `sale_line` rows as written, account, date, invoice and line first, accounts moved)."""

    def __init__(self, rows: Iterable[Values]) -> None:
        self._rows = rows

    def _last_lines(self) -> dict[int, list[tuple[str, dt.date, str]]]:
        """The invoices by the number of lines the load writes of each."""
        last: dict[tuple[str, dt.date, str], int] = {}
        for account, day, invoice, line, *_values in self._rows:
            if invoice and line > last.get((account, day, invoice), 0):
                last[(account, day, invoice)] = line
        by_count: dict[int, list[tuple[str, dt.date, str]]] = defaultdict(list)
        for key, count in last.items():
            by_count[count].append(key)
        return by_count

    async def remove(self, connection: AsyncConnection) -> int:
        """Deletes them; how many there were. Read when the load writes, after its `before`
        (which settles the invoices whose stored lines stay)."""
        table = METADATA.tables["sale_line"]
        invoice = (table.c.account_id, table.c.sale_date, table.c.invoice)
        removed = 0
        # One statement per batch of invoices with as many lines: most have one, a few.
        for count, keys in sorted(self._last_lines().items()):
            keys.sort()
            for start in range(0, len(keys), KEYS_PER_STATEMENT):
                batch = keys[start : start + KEYS_PER_STATEMENT]
                result = await connection.execute(
                    delete(table).where(key_in(invoice, batch), table.c.line > count)
                )
                removed += result.rowcount
        return removed
