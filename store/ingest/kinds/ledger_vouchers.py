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

Both rules match the load's own book's entries first; where it has none to match, a named
book's load takes those of no known book (as `BookAdoption` takes its numbers' lines), and a
load of no known book (a title without its company line) those of the one named book holding
candidates, as `unnamed_books` lends it invoices: the matched entry is the load's for its
writes and goes back to its book after them, with the file's entry of its key
(`NamedBookInvoices.lent_back`). Without this, one receipt exported once with the company line
and once without (a Day Book and a bill-wise ledger) was stored twice, in the book and in no
known book, and the customer's outstanding fell by it twice.

Every stored entry is found by its whole key, its voucher type with it: two types' entries may
share a place of one bill and day (two books' ledgers merged), and each is a voucher of its
own. A payment of the file pairs with a stored one of its type or of no known type; only the
paired entry records the number and is taken into the load's book (before, the other type's
entry at the place took the number too, and blocked the taking: the receipt stored twice).

Two reads and one write (a thousand numbers a statement) by numbers, and two reads and two
writes by amounts, whatever the number of entries; none when the file has no entry of an
account stored before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, exists, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.credit import EntryKind
from analytics.money import money
from store.ingest.keyed_rows import rows_with_keys
from store.ingest.kinds.ledger_books import UNKNOWN_BOOK
from store.ingest.kinds.ledger_kept import KeptEntry, TypedKey
from store.ingest.kinds.stored_invoices import StoredInvoices
from store.tables import LEDGER_TABLE

# account, date, amount: what a payment of two exports shares when only one gives its number
Shared = tuple[str, dt.date, Decimal]
# A stored entry's reference, place and voucher type ("" unknown): two types' entries may share
# a place (two books' merged), and each is a voucher of its own
Placed = tuple[str, int, str]
# A stored entry: account, kind, reference, date, place and voucher type (its key in its book)
Entry = tuple[str, str, str, dt.date, int, str]
# Of the pairs sharing customer, date and amount: how many groups held more than one on
# either side, and the first such group
Paired = tuple[int, Shared | None]
# A stored entry lent by its book to a load of no known book: account, kind, reference, date,
# place, voucher type, its book, and the reference it has once matched (the bill it settles)
Lent = tuple[str, str, str, dt.date, int, str, str, str]
# Told of an entry lent to the load: its book, and (account, kind, reference, date) after it
# was matched, given back to that book after the writes
LentBack = Callable[[str, tuple[str, str, str, dt.date]], None]


class LedgerVouchers:
    """Gives a ledger load's entries and the stored ones one key per voucher."""

    def __init__(
        self,
        kept: list[KeptEntry],
        retyped: Callable[[TypedKey, TypedKey], None],
    ) -> None:
        # The load's kept entries, each with its own number where its reference is a bill and
        # its own voucher type (a voucher re-dated onto the day of another type's puts two
        # types' entries at one place, and each is matched with its own type's, or one of no
        # known type): re-keyed in place.
        self._kept = kept
        # Called when an entry changes key, so that what is kept by its key follows it.
        self._retyped = retyped
        # Set for a load of no known book (`lend_to`): the entries of one named book match too.
        self._lent_back: LentBack | None = None

    def lend_to(self, lent_back: LentBack) -> None:
        """Matches the load's entries with those of one named book too, for a load of no known
        book (`unnamed_books`): each matched entry of a book is told to `lent_back`."""
        self._lent_back = lent_back

    def _across_books(self, book: str) -> bool:
        """Whether the load's matching reads other books' entries too: a named book's load
        those of no known book, a load of no known book (when it lends) those of one named
        book."""
        return book != UNKNOWN_BOOK or self._lent_back is not None

    async def _candidates(
        self,
        connection: AsyncConnection,
        key: tuple[ColumnElement[Any], ...],
        keys: Iterable[tuple[Any, ...]],
        book: str,
        *columns: ColumnElement[Any],
        unit: Callable[[tuple[Any, ...]], Hashable],
        usable: Callable[[tuple[Any, ...]], bool],
    ) -> list[tuple[Any, ...]]:
        """`(*key, book, *columns)` of the `usable` stored entries of `keys`: in each `unit`,
        those of the load's book; where it has none, for a named book's load those of no known
        book (which it takes, as `BookAdoption` takes its numbers' lines), for a load of no
        known book those of the one named book holding the unit (lent to it, as
        `unnamed_books` lends invoices; none where two books do: the file cannot say whose)."""
        c = LEDGER_TABLE.c
        if not self._across_books(book):
            found = await rows_with_keys(
                connection, (*key, c.book), sorted((*k, book) for k in keys), *columns
            )
            return [tuple(row) for row in found if usable(row)]
        found = await rows_with_keys(connection, key, sorted(set(keys)), c.book, *columns)
        size = len(key)
        by_unit: dict[Hashable, list[tuple[Any, ...]]] = {}
        for row in found:
            if usable(row):
                by_unit.setdefault(unit(row), []).append(tuple(row))
        chosen: list[tuple[Any, ...]] = []
        for rows in by_unit.values():
            own = [row for row in rows if row[size] == book]
            if own:
                chosen.extend(own)
            elif book != UNKNOWN_BOOK:
                chosen.extend(row for row in rows if row[size] == UNKNOWN_BOOK)
            elif len({row[size] for row in rows}) == 1:
                chosen.extend(rows)
        return chosen

    async def _take_over(
        self, connection: AsyncConnection, entries: Sequence[Lent], book: str
    ) -> None:
        """The matched stored entries of another book (`_candidates`) made the load's `book`:
        taken by a named book's load; lent to a load of no known book for its writes, each
        told to `lent_back` to go back after them. An entry whose key `book` holds already
        stays where it is (one statement would write over the other)."""
        if not entries:
            return
        c = LEDGER_TABLE.c
        mine = LEDGER_TABLE.alias("mine")
        await connection.execute(
            update(LEDGER_TABLE)
            .where(
                (c.account_id == bindparam("k_account"))
                & (c.kind == bindparam("k_kind"))
                & (c.reference == bindparam("k_reference"))
                & (c.entry_date == bindparam("k_day"))
                & (c.line == bindparam("k_line"))
                & (c.voucher_type == bindparam("k_type"))
                & (c.book == bindparam("k_book"))
                & ~exists().where(
                    mine.c.account_id == c.account_id,
                    mine.c.kind == c.kind,
                    mine.c.reference == c.reference,
                    mine.c.entry_date == c.entry_date,
                    mine.c.line == c.line,
                    # Another type's entry at the place is another voucher: no collision.
                    mine.c.voucher_type == c.voucher_type,
                    mine.c.book == book,
                )
            )
            .values(book=book),
            [
                {
                    "k_account": account,
                    "k_kind": kind,
                    "k_reference": reference,
                    "k_day": day,
                    "k_line": line,
                    "k_type": of_type,
                    "k_book": of_book,
                }
                for account, kind, reference, day, line, of_type, of_book, _matched in entries
            ],
        )
        lent_back = self._lent_back
        if book == UNKNOWN_BOOK and lent_back is not None:
            for account, kind, _reference, day, _line, _type, of_book, matched in entries:
                lent_back(of_book, (account, kind, matched, day))

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
        for index, entry in enumerate(self._kept):
            customer, kind, reference = entry.customer, entry.kind, entry.reference
            if not reference or is_new(customer):
                continue
            account = moved.get(customer, customer)
            own = entry.number
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
        for index, entry in enumerate(self._kept):
            customer, day, kind, reference = entry.key
            if not reference or is_new(customer):
                continue
            account = moved.get(customer, customer)
            if kind is EntryKind.INVOICE:
                bills.add((account, reference))
                continue
            given.setdefault((account, day), set()).add(reference)
            if entry.number is not None:
                continue  # its own number is known: matched by it, if at all
            shared = (account, day, money(entry.amount))
            (billed if entry.billed else plain).setdefault(shared, []).append(index)
        if not plain and not billed:
            return []
        book = stored.where.book or ""
        c = LEDGER_TABLE.c
        payment = EntryKind.PAYMENT.value
        found = await self._candidates(
            connection,
            (c.account_id, c.entry_date, c.kind),
            {(account, day, payment) for account, day, _ in (*plain, *billed)},
            book,
            c.reference,
            c.line,
            c.amount,
            c.voucher_number,
            c.voucher_type,
            unit=lambda row: (row[0], row[1], money(row[6])),
            usable=lambda row: row[7] is None and row[4] not in given.get((row[0], row[1]), ()),
        )
        # Stored payments recording no number, not the file's own, by what they share.
        others: dict[Shared, list[Placed]] = {}
        # The named book of each a load of no known book matches (`_candidates`).
        books: dict[Entry, str] = {}
        for account, day, _kind, of_book, reference, line, amount, recorded, of_type in found:
            if recorded is None and reference not in given.get((account, day), ()):
                placed = (reference, line, of_type or "")
                others.setdefault((account, day, money(amount)), []).append(placed)
                if of_book != book:
                    books[(account, payment, reference, day, line, of_type or "")] = of_book
        bills = await _with_stored_bills(connection, bills, others, book, self._across_books(book))
        notes: list[str] = []
        if plain:
            # Stored entries under a bill of their customer only: the bill a payment settles.
            under_bills = {
                shared: [
                    other for other in others.get(shared, ()) if (shared[0], other[0]) in bills
                ]
                for shared in plain
            }
            taken, paired = await self._take_billed(
                connection, plain, under_bills, others, book, books
            )
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
            moving: dict[Entry, str] = {}
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
                (account, EntryKind.PAYMENT.value, reference, day, line, of_type)
                for (account, day, _amount), placed in own.items()
                for reference, line, of_type in placed
                if (account, reference) in bills
            }
            paired = _pairs(billed, own, self._pair_billed(moving), self._fits, ordered=True)
            if moving:
                await self._take_over(connection, _lent(moving, books), book)
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

    def _pair_billed(self, moving: dict[Entry, str]) -> Callable[[Shared, int, Placed], None]:
        """Pairs a file's entry under a bill with a stored one under its own number: the
        stored one moves to the bill."""

        def pair(shared: Shared, index: int, other: Placed) -> None:
            account, day, _amount = shared
            number, line, of_type = other
            entry = (account, EntryKind.PAYMENT.value, number, day, line, of_type)
            moving[entry] = self._kept[index].reference

        return pair

    def _fits(self, index: int, other: Placed) -> bool:
        """Whether a stored entry may be the `index`-th kept entry's voucher: of its type, or
        either of no known type (a `Credit Note` is never taken for a `Receipt`)."""
        given = self._type_of(index)
        return not given or not other[2] or other[2] == given

    async def _take_billed(
        self,
        connection: AsyncConnection,
        plain: Mapping[Shared, list[int]],
        under_bills: Mapping[Shared, list[Placed]],
        others: dict[Shared, list[Placed]],
        book: str,
        books: Mapping[Entry, str],
    ) -> tuple[int, Paired]:
        """The file's entries under their own number take the stored ones under a bill they
        share customer, date and amount with (`under_bills`, of `others`); how many, and what
        was paired among several."""
        c = LEDGER_TABLE.c
        recorded: list[dict[str, object]] = []
        lent: list[Lent] = []

        def pair(shared: Shared, index: int, other: Placed) -> None:
            entry = self._kept[index]
            day, kind, number = entry.day, entry.kind, entry.reference
            bill, line, of_type = other
            of_book = books.get((shared[0], kind.value, bill, day, line, of_type))
            if of_book is not None:
                lent.append((shared[0], kind.value, bill, day, line, of_type, of_book, bill))
            # Taken: no other entry of the file pairs with it.
            others[shared].remove(other)
            self._kept[index] = billed = replace(entry, reference=bill, number=number)
            self._retyped(entry.key, billed.key)
            recorded.append(
                {
                    "k_account": shared[0],
                    "k_day": day,
                    "k_bill": bill,
                    "k_line": line,
                    "k_type": of_type,
                    "n_number": number,
                }
            )

        paired = _pairs(plain, under_bills, pair, self._fits)
        await self._take_over(connection, lent, book)
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
                    # Its own type's: another type's entry at the place is another voucher.
                    & (c.voucher_type == bindparam("k_type"))
                    & (c.book == book)
                )
                # A number recorded beside a bill: the reference is that bill.
                .values(voucher_number=bindparam("n_number"), reference_is_bill=True),
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
        found = await self._candidates(
            connection,
            (c.account_id, c.kind, c.voucher_number),
            plain,
            book,
            c.entry_date,
            c.reference,
            c.line,
            c.voucher_type,
            unit=lambda row: (*row[:3], row[4]),
            usable=lambda row: bool(row[5] != row[2]),
        )
        bills: dict[tuple[str, str, str, dt.date], set[str]] = {}
        # The places of each (account, kind, number, date, bill) held by a named book.
        held: dict[tuple[str, str, str, dt.date, str], list[tuple[int, str, str]]] = {}
        for account, kind, number, of_book, day, reference, line, of_type in found:
            if reference != number:
                bills.setdefault((account, kind, number, day), set()).add(reference)
                if of_book != book:
                    held.setdefault((account, kind, number, day, reference), []).append(
                        (line, of_type or "", of_book)
                    )
        lent: list[Lent] = []
        taken = 0
        for key, indexes in plain.items():
            for index in indexes:
                entry = self._kept[index]
                day = entry.day
                named = bills.get((*key, day))
                # A number stored under two bills on one day is not one voucher: left alone.
                if named is None or len(named) != 1:
                    continue
                (bill,) = named
                for line, of_type, of_book in held.pop((*key, day, bill), ()):
                    lent.append((key[0], key[1], bill, day, line, of_type, of_book, bill))
                self._kept[index] = billed = replace(entry, reference=bill, number=entry.reference)
                self._retyped(entry.key, billed.key)
                taken += 1
        await self._take_over(connection, lent, book)
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
        found = await self._candidates(
            connection,
            (c.account_id, c.kind, c.reference),
            billed,
            book,
            c.entry_date,
            c.line,
            c.voucher_number,
            c.voucher_type,
            unit=lambda row: (*row[:3], row[4]),
            usable=lambda row: row[6] is None,
        )
        # Stored entries under a voucher's own number that record no bill of their own: their
        # places and voucher types ("" unknown).
        plain: dict[tuple[str, str, str, dt.date], list[tuple[int, str]]] = {}
        # The named book of each such entry a load of no known book matches (`_candidates`).
        books: dict[Entry, str] = {}
        for account, kind, number, of_book, day, line, recorded, of_type in found:
            if recorded is None:
                plain.setdefault((account, kind, number, day), []).append((line, of_type or ""))
                if of_book != book:
                    books[(account, kind, number, day, line, of_type or "")] = of_book
        if not plain:
            return 0
        # Each stored entry (its key, with its voucher type) -> the bill it moves to. Two
        # types' entries at one place (a voucher re-dated onto another type's day) each move
        # with their own type's entry of the file: before, both moved under the first's bill.
        moving: dict[Entry, str] = {}
        for key, indexes in billed.items():
            for index in indexes:
                day, bill = self._kept[index].day, self._kept[index].reference
                given = self._type_of(index)
                placed = plain.get((*key, day), [])
                # A typed entry takes the stored ones of its type or of no known type; one of
                # no known type those of every type at its number and day.
                taken = [one for one in placed if not given or one[1] in (given, "")]
                for line, of_type in taken:
                    placed.remove((line, of_type))
                    moving[(*key, day, line, of_type)] = bill
        if not moving:
            return 0
        await self._take_over(connection, _lent(moving, books), book)
        await self._move(connection, moving, stored, book)
        return len(moving)

    def _type_of(self, index: int) -> str:
        """The voucher type of the `index`-th kept entry ("" unknown)."""
        return self._kept[index].voucher_type or ""

    async def _move(
        self,
        connection: AsyncConnection,
        moving: Mapping[Entry, str],
        stored: StoredInvoices,
        book: str,
        *,
        unnumbered: Collection[Entry] = (),
    ) -> None:
        """Moves stored entries under their own number (account, kind, number, day, line,
        voucher type) to the bill given, recording the number."""
        c = LEDGER_TABLE.c
        # Their places follow the stored entries of the bill on that day.
        bills = {stored.where.key_values(k[0], k[1], bill) for k, bill in moving.items()}
        lines = await stored.of(connection, bills)
        last: dict[tuple[str, ...], int] = {}
        params: list[dict[str, object]] = []
        for entry, bill in sorted(moving.items()):
            account, kind, number, day, line, of_type = entry
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
                    "k_type": of_type,
                    "n_bill": bill,
                    # A reference that was a bill is no number of the voucher's.
                    "n_number": None if entry in unnumbered else number,
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
                & (c.voucher_type == bindparam("k_type"))
                & (c.book == book)
            )
            .values(
                reference=bindparam("n_bill"),
                voucher_number=bindparam("n_number"),
                reference_is_bill=True,
                line=bindparam("n_line"),
            ),
            params,
        )


async def _with_stored_bills(
    connection: AsyncConnection,
    bills: set[tuple[str, str]],
    others: Mapping[Shared, list[Placed]],
    book: str,
    any_book: bool = False,
) -> set[tuple[str, str]]:
    """`bills` (account, reference of an invoice of the file) and those of the stored
    entries' references that a stored invoice of their account has (in `book`, or in any
    book for a load of no known book matching a named book's entries too)."""
    c = LEDGER_TABLE.c
    named = sorted(
        {
            (shared[0], EntryKind.INVOICE.value, reference, book)
            for shared, placed in others.items()
            for reference, _line, _type in placed
            if (shared[0], reference) not in bills
        }
    )
    if not named:
        return bills
    if any_book:
        found = await rows_with_keys(
            connection, (c.account_id, c.kind, c.reference), sorted({k[:3] for k in named})
        )
        return bills | {(account, reference) for account, _kind, reference in found}
    found = await rows_with_keys(connection, (c.account_id, c.kind, c.reference, c.book), named)
    return bills | {(account, reference) for account, _kind, reference, _book in found}


def _pairs(
    file: Mapping[Shared, list[int]],
    others: Mapping[Shared, list[Placed]],
    pair: Callable[[Shared, int, Placed], None],
    fits: Callable[[int, Placed], bool],
    *,
    ordered: bool = False,
) -> Paired:
    """Pairs the file's entries (in the file's order) and the stored ones (by reference and
    place, or in their given order when `ordered`) that share customer, date and amount, as
    far as both go, each with the first stored one left that `fits` it (of its voucher type);
    how many groups held more than one on either side, and the first of them."""
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
        for index in indexes:
            other = next((one for one in candidates if fits(index, one)), None)
            if other is not None:
                candidates.remove(other)
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


def _lent(
    moving: Mapping[Entry, str],
    books: Mapping[Entry, str],
) -> list[Lent]:
    """The moving entries a named book holds (`books`), lent to the load under the bill each
    moves to."""
    return [
        (*entry[:3], entry[3], entry[4], entry[5], books[entry], bill)
        for entry, bill in sorted(moving.items())
        if entry in books
    ]
