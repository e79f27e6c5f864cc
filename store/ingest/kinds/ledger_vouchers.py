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

A ledger exported without its Vch No. column names each receipt's bill but not its own
number, so neither rule can see one voucher in two exports. Then a payment (a receipt, a credit
note) is matched by what both exports do give: customer, date, kind and amount, among the
entries recording no voucher number, and neither of them under a reference the file itself
gives a payment of that customer and day (those are the file's own entries):

- an entry of the file under its own number takes a stored entry under a bill of that
  customer (an invoice of that reference is stored, or in the file: the bill it settles),
  which records the number (a Day Book loaded after such a ledger);
- an entry of the file under a bill, its own number unknown, takes a stored entry under
  another reference, which moves to the bill and keeps that reference as its number (such a
  ledger loaded after a Day Book).

Several entries sharing customer, date, kind and amount are paired in order (the file's, the
stored ones' by reference): whichever pairing, each amount counts once and every bill keeps
what settles it; only which voucher number is recorded against which bill may be the other's,
and the load says so in one line. An entry left over on either side stays as it is.

Two reads and one write (a thousand numbers a statement) by numbers, and two reads and two
writes by amounts, whatever the number of entries; none when the file has no entry of an
account stored before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.credit import EntryKind
from analytics.money import money
from store.ingest.keyed_rows import rows_with_keys
from store.ingest.kinds.stored_invoices import StoredInvoices
from store.tables import LEDGER_TABLE

# customer, date, kind, reference, amount, due date (a ledger load's kept entry)
Kept = tuple[str, dt.date, EntryKind, str, Decimal, dt.date | None]
# customer, date, kind, reference: the key an entry's voucher type is kept by
Typed = tuple[str, dt.date, EntryKind, str]
# account, date, amount: what a payment of two exports shares when only one gives its number
Shared = tuple[str, dt.date, Decimal]
# A stored entry's reference and place
Placed = tuple[str, int]
# Of the pairs sharing customer, date and amount: how many groups held more than one on
# either side, and the first such group
Paired = tuple[int, Shared | None]


class LedgerVouchers:
    """Gives a ledger load's entries and the stored ones one key per voucher."""

    def __init__(
        self,
        kept: list[Kept],
        numbers: list[str | None],
        retyped: Callable[[Typed, Typed], None],
        billed: list[bool] | None = None,
    ) -> None:
        # The load's kept entries and, beside each, its own number where its reference is a
        # bill: both changed in place.
        self._kept = kept
        self._numbers = numbers
        # Called when an entry changes key, so that what is kept by its key follows it.
        self._retyped = retyped
        # Beside each kept entry, whether its reference is a bill (own number known or not).
        self._billed = billed if billed is not None else [False] * len(kept)

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
        notes.extend(await self._match_amounts(connection, moved, stored, is_new))
        return notes

    async def _match_amounts(
        self,
        connection: AsyncConnection,
        moved: Mapping[str, str],
        stored: StoredInvoices,
        is_new: Callable[[str], bool],
    ) -> list[str]:
        """The file's payments and the stored ones of one voucher where only one export gave
        its number: matched by customer, date and amount; the lines that say so."""
        plain: dict[Shared, list[int]] = {}
        billed: dict[Shared, list[int]] = {}
        # The references the file gives payments under, by account and day: stored entries
        # under them are the file's own.
        given: dict[tuple[str, dt.date], set[str]] = {}
        # The bills of the file: its invoices' references, by account.
        bills: set[tuple[str, str]] = set()
        for index, (customer, day, kind, reference, amount, _due) in enumerate(self._kept):
            if not reference or is_new(customer):
                continue
            account = moved.get(customer, customer)
            if kind is EntryKind.INVOICE:
                bills.add((account, reference))
                continue
            given.setdefault((account, day), set()).add(reference)
            if self._numbers[index] is not None:
                continue  # its own number is known: matched by it, if at all
            shared = (account, day, money(amount))
            (billed if self._billed[index] else plain).setdefault(shared, []).append(index)
        if not plain and not billed:
            return []
        book = stored.where.book or ""
        c = LEDGER_TABLE.c
        payment = EntryKind.PAYMENT.value
        found = await rows_with_keys(
            connection,
            (c.account_id, c.entry_date, c.kind, c.book),
            sorted({(account, day, payment, book) for account, day, _ in (*plain, *billed)}),
            c.reference,
            c.line,
            c.amount,
            c.voucher_number,
        )
        # Stored payments recording no number, not the file's own, by what they share.
        others: dict[Shared, list[Placed]] = {}
        for account, day, _kind, _book, reference, line, amount, recorded in found:
            if recorded is None and reference not in given.get((account, day), ()):
                others.setdefault((account, day, money(amount)), []).append((reference, line))
        bills = await _with_stored_bills(connection, bills, others, book)
        notes: list[str] = []
        if plain:
            # Stored entries under a bill of their customer only: the bill a payment settles.
            under_bills = {
                shared: [
                    other for other in others.get(shared, ()) if (shared[0], other[0]) in bills
                ]
                for shared in plain
            }
            taken, paired = await self._take_billed(connection, plain, under_bills, others, book)
            if taken:
                stored.forget()
                notes.append(
                    f"{counted(taken, 'payment', 'payments')} of the file under its own "
                    f"number, each taken as the one stored under the bill it settles (same "
                    f"customer, date and amount; the ledger gave no voucher numbers), not "
                    f"added again"
                )
                notes.extend(_paired_note(paired))
        if billed:
            moving: dict[tuple[str, str, str, dt.date, int], str] = {}
            # Stored entries under a bill of their customer are an earlier allocation of the
            # voucher (the ledger now sets it against another bill): they move too, but their
            # reference is no number of theirs. Those under their own number pair first.
            own = {
                shared: sorted(
                    others.get(shared, ()),
                    key=lambda other, account=shared[0]: ((account, other[0]) in bills, other),
                )
                for shared in billed
            }
            unnumbered = {
                (account, EntryKind.PAYMENT.value, reference, day, line)
                for (account, day, _amount), placed in own.items()
                for reference, line in placed
                if (account, reference) in bills
            }
            paired = _pairs(billed, own, self._pair_billed(moving), ordered=True)
            if moving:
                await self._move(connection, moving, stored, book, unnumbered=unnumbered)
                stored.forget()
                reallocated = len(unnumbered.intersection(moving))
                if len(moving) > reallocated:
                    notes.append(
                        f"{counted(len(moving) - reallocated, 'stored payment', 'stored payments')}"
                        f" under its own number, each taken as the file's under the bill it "
                        f"settles (same customer, date and amount; the ledger gives no voucher "
                        f"numbers), not added again"
                    )
                if reallocated:
                    notes.append(
                        f"{counted(reallocated, 'stored payment', 'stored payments')} under "
                        f"another bill, each taken as the file's under the bill it now settles "
                        f"(same customer, date and amount), not added again"
                    )
                notes.extend(_paired_note(paired))
        return notes

    def _pair_billed(
        self, moving: dict[tuple[str, str, str, dt.date, int], str]
    ) -> Callable[[Shared, int, Placed], None]:
        """Pairs a file's entry under a bill with a stored one under its own number: the
        stored one moves to the bill."""

        def pair(shared: Shared, index: int, other: Placed) -> None:
            account, day, _amount = shared
            number, line = other
            moving[(account, EntryKind.PAYMENT.value, number, day, line)] = self._kept[index][3]

        return pair

    async def _take_billed(
        self,
        connection: AsyncConnection,
        plain: Mapping[Shared, list[int]],
        under_bills: Mapping[Shared, list[Placed]],
        others: dict[Shared, list[Placed]],
        book: str,
    ) -> tuple[int, Paired]:
        """The file's entries under their own number take the stored ones under a bill they
        share customer, date and amount with (`under_bills`, of `others`); how many, and what
        was paired among several."""
        c = LEDGER_TABLE.c
        recorded: list[dict[str, object]] = []

        def pair(shared: Shared, index: int, other: Placed) -> None:
            customer, day, kind, number, amount, due = self._kept[index]
            bill, line = other
            # Taken: no other entry of the file pairs with it.
            others[shared].remove(other)
            self._kept[index] = (customer, day, kind, bill, amount, due)
            self._numbers[index] = number
            self._retyped((customer, day, kind, number), (customer, day, kind, bill))
            recorded.append(
                {
                    "k_account": shared[0],
                    "k_day": day,
                    "k_bill": bill,
                    "k_line": line,
                    "n_number": number,
                }
            )

        paired = _pairs(plain, under_bills, pair)
        if recorded:
            # The stored entry records the number: another export of the ledger without its
            # numbers keeps it, and the next load of this file finds the entry by it.
            await connection.execute(
                update(LEDGER_TABLE)
                .where(
                    (c.account_id == bindparam("k_account"))
                    & (c.entry_date == bindparam("k_day"))
                    & (c.kind == EntryKind.PAYMENT.value)
                    & (c.reference == bindparam("k_bill"))
                    & (c.line == bindparam("k_line"))
                    & (c.book == book)
                )
                .values(voucher_number=bindparam("n_number")),
                recorded,
            )
        return len(recorded), paired

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
        await self._move(connection, moving, stored, book)
        return len(moving)

    async def _move(
        self,
        connection: AsyncConnection,
        moving: Mapping[tuple[str, str, str, dt.date, int], str],
        stored: StoredInvoices,
        book: str,
        *,
        unnumbered: Collection[tuple[str, str, str, dt.date, int]] = (),
    ) -> None:
        """Moves stored entries under their own number (account, kind, number, day, line) to
        the bill given, recording the number."""
        c = LEDGER_TABLE.c
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
                    # A reference that was a bill is no number of the voucher's.
                    "n_number": None
                    if (account, kind, number, day, line) in unnumbered
                    else number,
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


async def _with_stored_bills(
    connection: AsyncConnection,
    bills: set[tuple[str, str]],
    others: Mapping[Shared, list[Placed]],
    book: str,
) -> set[tuple[str, str]]:
    """`bills` (account, reference of an invoice of the file) and those of the stored
    entries' references that a stored invoice of their account has."""
    c = LEDGER_TABLE.c
    named = sorted(
        {
            (shared[0], EntryKind.INVOICE.value, reference, book)
            for shared, placed in others.items()
            for reference, _line in placed
            if (shared[0], reference) not in bills
        }
    )
    if not named:
        return bills
    found = await rows_with_keys(connection, (c.account_id, c.kind, c.reference, c.book), named)
    return bills | {(account, reference) for account, _kind, reference, _book in found}


def _pairs(
    file: Mapping[Shared, list[int]],
    others: Mapping[Shared, list[Placed]],
    pair: Callable[[Shared, int, Placed], None],
    *,
    ordered: bool = False,
) -> Paired:
    """Pairs the file's entries (in the file's order) and the stored ones (by reference and
    place, or in their given order when `ordered`) that share customer, date and amount, as
    far as both go; how many groups held more than one on either side, and the first of them."""
    crowded = 0
    first: Shared | None = None
    for shared, indexes in file.items():
        candidates = list(others.get(shared, ()))
        if not ordered:
            candidates.sort()
        if not candidates:
            continue
        if len(indexes) > 1 or len(candidates) > 1:
            crowded += 1
            first = shared if first is None else min(first, shared)
        for index, other in zip(indexes, candidates, strict=False):
            pair(shared, index, other)
    return crowded, first


def _paired_note(paired: Paired) -> list[str]:
    """The line saying payments sharing customer, date and amount were paired in order."""
    crowded, first = paired
    if not crowded or first is None:
        return []
    account, day, amount = first
    more = f" and {counted(crowded - 1, 'other', 'others')}" if crowded > 1 else ""
    return [
        f"Payments sharing customer, date and amount paired in the order of the file and of "
        f"their references ({account} on {day.isoformat()}, {amount}{more}): each amount "
        f"counts once, but which voucher number settles which bill may be the other's; a "
        f"ledger export with its Vch No. column records them for sure"
    ]
