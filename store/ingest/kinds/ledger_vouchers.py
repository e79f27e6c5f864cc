"""One voucher, one ledger entry, whichever export gave it.

A receipt of Tally's ledger with bill-wise details (`Agst Ref  KD/25-26/001` under it, or a
`Ref` column) is stored under the bill it settles, so that it settles that invoice first
(`analytics.credit`); its own number (`Receipt 1`) is kept beside it (`voucher_number`). The
same receipt in a Day Book, or in a ledger exported without its bill-wise details, names no
bill and comes under its own number. Stored under both keys it was two payments, and the
customer's outstanding fell by it twice. So, before a ledger load places its entries
(`ledger_places`):

- an entry of the file under its own number, which a stored entry of that customer, day and
  kind recorded as its voucher number under a bill, takes that entry's bill: it is that entry
  (a Day Book loaded after the ledger);
- an entry of the file under a bill, with its own number, takes the stored entries of that
  customer, day, kind and number that record no bill of their own: they are its voucher as
  another export gave it (the ledger loaded after a Day Book), and move to the bill, to be
  placed among its entries as any stored entry is.

Two reads and one write (a thousand numbers a statement), whatever the number of entries;
none when the file numbers no entry of an account stored before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.credit import EntryKind
from store.ingest.keyed_rows import rows_with_keys
from store.ingest.kinds.stored_invoices import StoredInvoices
from store.tables import LEDGER_TABLE

# customer, date, kind, reference, amount, due date (a ledger load's kept entry)
Kept = tuple[str, dt.date, EntryKind, str, Decimal, dt.date | None]
# customer, date, kind, reference: the key an entry's voucher type is kept by
Typed = tuple[str, dt.date, EntryKind, str]


class LedgerVouchers:
    """Gives a ledger load's entries and the stored ones one key per voucher."""

    def __init__(
        self,
        kept: list[Kept],
        numbers: list[str | None],
        retyped: Callable[[Typed, Typed], None],
    ) -> None:
        # The load's kept entries and, beside each, its own number where its reference is a
        # bill: both changed in place.
        self._kept = kept
        self._numbers = numbers
        # Called when an entry changes key, so that what is kept by its key follows it.
        self._retyped = retyped

    async def match(
        self,
        connection: AsyncConnection,
        moved: Mapping[str, str],
        stored: StoredInvoices,
        is_new: Callable[[str], bool],
    ) -> list[str]:
        """Takes the file's entries and the stored ones of one voucher for one entry; the
        lines that say so. Accounts the load creates (`is_new`) have nothing stored: a first
        load reads nothing here."""
        plain: dict[tuple[str, str, str], list[int]] = {}
        billed: dict[tuple[str, str, str], list[int]] = {}
        for index, (customer, _day, kind, reference, _amount, _due) in enumerate(self._kept):
            if not reference or is_new(customer):
                continue
            account = moved.get(customer, customer)
            own = self._numbers[index]
            if own is None:
                plain.setdefault((account, kind.value, reference), []).append(index)
            else:
                billed.setdefault((account, kind.value, own), []).append(index)
        notes: list[str] = []
        if plain:
            # The load's own book's entries only (store.ingest.kinds.ledger_books).
            taken = await self._take_bills(connection, plain, stored.where.book or "")
            if taken:
                # Their bills' stored entries are read again when placing them.
                stored.forget()
                notes.append(
                    f"{counted(taken, 'entry', 'entries')} of the file, under their voucher's "
                    f"own number, stored already from another export under the bill they "
                    f"name: taken as those entries, not added again"
                )
        if billed:
            moved_rows = await self._move_stored(connection, billed, stored)
            if moved_rows:
                stored.forget()
                notes.append(
                    f"{counted(moved_rows, 'stored entry', 'stored entries')} of another export "
                    f"under their voucher's own number taken as the file's entries under the "
                    f"bill they name, not added again"
                )
        return notes

    async def _take_bills(
        self,
        connection: AsyncConnection,
        plain: Mapping[tuple[str, str, str], list[int]],
        book: str,
    ) -> int:
        c = LEDGER_TABLE.c
        found = await rows_with_keys(
            connection,
            (c.account_id, c.kind, c.voucher_number, c.book),
            sorted((*key, book) for key in plain),
            c.entry_date,
            c.reference,
        )
        bills: dict[tuple[str, str, str, dt.date], set[str]] = {}
        for account, kind, number, _book, day, reference in found:
            if reference != number:
                bills.setdefault((account, kind, number, day), set()).add(reference)
        taken = 0
        for key, indexes in plain.items():
            for index in indexes:
                customer, day, kind, reference, amount, due = self._kept[index]
                named = bills.get((*key, day))
                # A number stored under two bills on one day is not one voucher: left alone.
                if named is None or len(named) != 1:
                    continue
                (bill,) = named
                self._kept[index] = (customer, day, kind, bill, amount, due)
                self._numbers[index] = reference
                self._retyped((customer, day, kind, reference), (customer, day, kind, bill))
                taken += 1
        return taken

    async def _move_stored(
        self,
        connection: AsyncConnection,
        billed: Mapping[tuple[str, str, str], list[int]],
        stored: StoredInvoices,
    ) -> int:
        c = LEDGER_TABLE.c
        # The load's own book's entries only (store.ingest.kinds.ledger_books).
        book = stored.where.book or ""
        found = await rows_with_keys(
            connection,
            (c.account_id, c.kind, c.reference, c.book),
            sorted((*key, book) for key in billed),
            c.entry_date,
            c.line,
            c.voucher_number,
        )
        # Stored entries under a voucher's own number that record no bill of their own.
        plain: dict[tuple[str, str, str, dt.date], list[int]] = {}
        for account, kind, number, _book, day, line, recorded in found:
            if recorded is None:
                plain.setdefault((account, kind, number, day), []).append(line)
        if not plain:
            return 0
        # (account, kind, number, day, line) of a stored entry -> the bill it moves to
        moving: dict[tuple[str, str, str, dt.date, int], str] = {}
        for key, indexes in billed.items():
            for index in indexes:
                _customer, day, _kind, bill, _amount, _due = self._kept[index]
                for line in plain.pop((*key, day), ()):
                    moving[(*key, day, line)] = bill
        if not moving:
            return 0
        # Their places follow the stored entries of the bill on that day.
        bills = {stored.where.key_values(k[0], k[1], bill) for k, bill in moving.items()}
        lines = await stored.of(connection, bills)
        last: dict[tuple[str, ...], int] = {}
        params: list[dict[str, object]] = []
        for (account, kind, number, day, line), bill in sorted(moving.items()):
            of_bill = stored.where.key_values(account, kind, bill)
            at = (*of_bill, day.isoformat())
            if at not in last:
                last[at] = max(
                    (place for when, place, *_rest in lines.get(of_bill, ()) if when == day),
                    default=0,
                )
            last[at] += 1
            params.append(
                {
                    "k_account": account,
                    "k_day": day,
                    "k_kind": kind,
                    "k_number": number,
                    "k_line": line,
                    "n_bill": bill,
                    "n_number": number,
                    "n_line": last[at],
                }
            )
        await connection.execute(
            update(LEDGER_TABLE)
            .where(
                (c.account_id == bindparam("k_account"))
                & (c.entry_date == bindparam("k_day"))
                & (c.kind == bindparam("k_kind"))
                & (c.reference == bindparam("k_number"))
                & (c.line == bindparam("k_line"))
                & (c.book == book)
            )
            .values(
                reference=bindparam("n_bill"),
                voucher_number=bindparam("n_number"),
                line=bindparam("n_line"),
            ),
            params,
        )
        return len(params)
