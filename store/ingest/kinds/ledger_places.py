"""The places a ledger load's numbered entries take among those stored of their number.

An entry is stored under its customer, date, kind and number (a bill, an invoice) and its place
among the entries of those four. A load reads what is stored of the numbers it has
(`store.ingest.kinds.stored_invoices`, after its moves) and places each entry of the file:

- an entry equal to a stored one of its number and day keeps that one's place, so that a
  reload, whatever the order of its lines, changes nothing;
- what a file covers wholly it may edit and trim: a ledger with entries of both directions
  (invoices and payments) holds every entry of each number it has on that day, so its other
  entries take the places of the stored ones left over (an edited amount), then new places,
  and stored entries still left over are stale and go (a deleted debit note or part payment,
  an item removed from a QuickBooks invoice);
- a file of one direction only (a receipts-only ledger, a register of receipts, a list of
  invoices) holds part of what the books have of a number: a credit note against a bill is a
  payment as a receipt is, and a receipts-only file does not list it. Nothing stored is
  changed or removed: its other entries take new places after the stored ones when every
  stored one is among the file's (entries added since), and the load is refused when both
  have entries the other has not: an edited receipt and a credit note the file does not
  list look alike, and so do a bill listed once in full and its items listed one by one, so
  that neither overwriting nor adding would be sure to leave the books' figures.

The voucher type is part of an entry's key (revision 0029): each type's entries are matched,
edited and trimmed among the stored entries of their own type only, so that the Export Sales
Register's `Export Sales 7` never takes the place (or the amount) of the Day Book's `Sales 7`.
Places are still counted across the types of a number and day (the Day Book's two vouchers
at places 1 and 2, a new one after every stored one), so that entries stored before the type
was in the key keep theirs. A file that speaks for every type (a Day Book, a party's ledger,
the entries under a bill: `ledger.py`'s `_own_numbered_types`) also trims a wholly covered
number's stored entries of types it does not give (a debit note deleted from the books); one
that lists only its own types (a register) leaves them.

Entries without a number name no invoice: placed by their order in the file, never trimmed
(an opening balance among them). A first load (nothing stored of the file's numbers) places
every entry by its order and runs no statement here.
"""

from __future__ import annotations

import datetime as dt
from bisect import insort
from collections.abc import Iterable, Sequence, Set
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.errors import FileRejected
from store.ingest.keyed_rows import rows_changed
from store.ingest.kinds.stored_invoices import InvoiceKey, StoredInvoices
from store.tables import LEDGER_TABLE

# account (moved), date, kind, number: the entries of a number at one date
Group = tuple[str, dt.date, str, str]
# A stored entry the load removes: account, kind, number, date, place, voucher type.
Stale = tuple[str, str, str, dt.date, int, str]


class LedgerPlaces:
    """The place of each numbered entry of a ledger load, settled once its moves are done."""

    def __init__(self, stored: StoredInvoices) -> None:
        self._stored = stored
        # The places of each group's entries of one voucher type ("" unknown).
        self._places: dict[tuple[Group, str], list[int]] = {}
        # Numbers a one-direction file gives otherwise than stored (see the module's note).
        self._unsure: list[Group] = []
        self.stale: list[Stale] = []
        # Stored entries of the file's numbers a one-direction part of the file leaves as they
        # are, and the customers of those parts (sorted).
        self.kept_aside = 0
        self.kept_aside_accounts: list[str] = []
        self.settled = False

    def place(self, group: Group, occurrence: int, voucher_type: str = "", of_type: int = 1) -> int:
        """The place of the `occurrence`-th entry (from 1) of `group` in the file, the
        `of_type`-th of its `voucher_type`."""
        places = self._places.get((group, voucher_type))
        return occurrence if places is None else places[of_type - 1]

    async def settle(
        self,
        connection: AsyncConnection,
        entries: Iterable[tuple[str, dt.date, str, str, Decimal, str, str | None]],
        *,
        whole: Set[str],
    ) -> None:
        """Places the file's `entries` (account moved, date, kind, number, amount, the voucher
        type it is written with ("" unknown), and its own type where the file lists only some
        types and the number is its own, else None: the file speaks for every type of the
        number, as a bill's entries are all the bill's), in file order, among the stored ones;
        `whole` names the customers whose part of the file covers their numbers wholly
        (invoices and payments), each customer's part being decided on its own: one
        customer's whole ledger beside another's receipts only."""
        self.settled = True
        if self._stored.none_stored():
            return
        groups: dict[Group, dict[str, list[Decimal]]] = {}
        # The groups the file speaks for whatever their types (some entry's scope is None).
        every_type: set[Group] = set()
        for account, day, kind, number, amount, written, scope in entries:
            if number:
                group = (account, day, kind, number)
                groups.setdefault(group, {}).setdefault(written, []).append(amount)
                if scope is None:
                    every_type.add(group)
        if not groups:
            return
        keys = {self._stored.where.key_values(g[0], g[2], g[3]) for g in groups}
        stored = await self._stored.of(connection, keys)
        for group, by_type in groups.items():
            account, day, kind, number = group
            key: InvoiceKey = self._stored.where.key_values(account, kind, number)
            at_day = [
                (line, value, of_type or "")
                for when, line, value, _taxed, of_type, *_rest in stored.get(key, ())
                if when == day
            ]
            if not at_day:
                continue
            is_whole = account in whole
            # Each type's entries among its own stored ones: a stored entry of another voucher
            # type is another voucher (Tally numbers each type apart: a Day Book's `Sales 7`
            # beside the Export Sales Register's `Export Sales 7`), never matched or edited.
            # New entries of every type take places after every stored one of the group.
            after = [max(line for line, _value, _of in at_day) + 1]
            for voucher, amounts in by_type.items():
                lines = sorted((line, value) for line, value, of in at_day if of == voucher)
                self._places[(group, voucher)] = self._placed(
                    group, voucher, amounts, lines, whole=is_whole, after=after
                )
            if group not in every_type:
                # A register lists its own types only: the others' entries stay (before, the
                # Export Sales Register removed the Day Book's `Sales 7`).
                continue
            others = [(line, of) for line, _value, of in at_day if of not in by_type]
            if is_whole:
                self.stale.extend((account, kind, number, day, line, of) for line, of in others)
            elif others:
                self._kept_aside(account, len(others))
        if self._unsure:
            first = min(self._unsure)
            raise FileRejected(
                f"the file has only {'invoices' if first[2] == 'invoice' else 'payments'} of "
                f"{first[0]}, so it is part of that customer's ledger, and gives "
                f"{counted(len(self._unsure), 'number', 'numbers')} otherwise than stored "
                f"({first[2]} {first[3]} of {first[0]} on {first[1]}): it cannot tell an edited "
                f"entry from one it does not list; load the whole ledger, with invoices and "
                f"payments, to change stored entries"
            )

    def _placed(
        self,
        group: Group,
        voucher: str,
        amounts: Sequence[Decimal],
        lines: Sequence[tuple[int, Decimal]],
        *,
        whole: bool,
        after: list[int],
    ) -> list[int]:
        """The places of the file's `amounts` among the stored `lines` it may take; `after`:
        the first place free after every stored entry of the group (of any type), moved on
        by each place taken."""
        free = dict(lines)
        places: list[int | None] = []
        for amount in amounts:
            same = next((line for line, value in free.items() if value == amount), None)
            if same is not None:
                del free[same]
            places.append(same)
        left = sorted(free)
        if not whole and left and None in places:
            self._unsure.append(group)
        placed: list[int] = []
        for place in places:
            if place is None:
                if whole and left:
                    place = left.pop(0)
                else:
                    place = after[0]
                    after[0] += 1
            placed.append(place)
        account, day, kind, number = group
        if whole:
            self.stale.extend((account, kind, number, day, line, voucher) for line in left)
        elif left:
            self._kept_aside(account, len(left))
        return placed

    def _kept_aside(self, account: str, count: int) -> None:
        self.kept_aside += count
        if account not in self.kept_aside_accounts:
            insort(self.kept_aside_accounts, account)

    async def remove(self, connection: AsyncConnection) -> int:
        """Deletes the stale entries; how many there were."""
        if not self.stale:
            return 0
        c = LEDGER_TABLE.c
        key = (c.account_id, c.kind, c.reference, c.entry_date, c.line, c.voucher_type)
        of_book = self._stored.where.of_book()
        return await rows_changed(
            connection,
            key,
            sorted(self.stale),
            delete(LEDGER_TABLE).where(*of_book),
        )
