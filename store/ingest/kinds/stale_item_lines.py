"""The stored lines an invoice counted once no longer has: removed in the load's transaction.

An earlier version stored each item row of a Zoho invoice (one row per item, `SubTotal`
repeated on each) as a line of its own, the whole invoice's amount on every one: lines 1..N
of the invoice, its revenue N times. Counted once now, the invoice is line 1 alone, and a
reload writes line 1 only: without this, lines 2..N would stay and keep the revenue N times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from store.ingest.keyed_rows import KEYS_PER_STATEMENT, key_in
from store.tables import METADATA


class StaleItemLines:
    """The lines after the first of the invoices a load counts once (`keys`: customer, date
    and invoice number as the file gives them; `moved`: the accounts the load moves)."""

    def __init__(self, keys: Sequence[tuple[str, dt.date, str]], moved: Mapping[str, str]) -> None:
        self._keys = keys
        self._moved = moved

    def __bool__(self) -> bool:
        return bool(self._keys)

    async def remove(self, connection: AsyncConnection) -> int:
        """Deletes them; how many there were."""
        moved = self._moved
        keys = sorted(
            {(moved.get(account, account), day, invoice) for account, day, invoice in self._keys}
        )
        table = METADATA.tables["sale_line"]
        invoice = (table.c.account_id, table.c.sale_date, table.c.invoice)
        removed = 0
        for start in range(0, len(keys), KEYS_PER_STATEMENT):
            batch = keys[start : start + KEYS_PER_STATEMENT]
            result = await connection.execute(
                delete(table).where(key_in(invoice, batch), table.c.line > 1)
            )
            removed += result.rowcount
        return removed
