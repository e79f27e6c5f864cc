"""Invoices a sales export says are no sale (voided, cancelled, a draft), or a Day Book's
cancelled vouchers, whose lines or ledger entries an earlier export of the same period may have
stored when they still counted.

An invoice is voided after it was sent; Tally keeps a cancelled voucher's number and date, with
`(cancelled)` for its party. The line an earlier load stored for it would go on counting in
revenue and segments, since a load only adds and replaces lines. So the load that says so
removes it: the stored lines (or entries) of the file's app with its number and date (a voucher
number is unique on its day: Tally's restart each year, Zoho's never do), and for a ledger's
entries of its kind (Tally numbers receipts apart from sales: a cancelled Receipt 102 is no
Sales 102); a receipt a ledger stored under the bill it settles is found by the own number it
records beside it (`voucher_number`). Tally numbers each voucher type apart too (`Export Sales
7` is no `Sales 7`), so when the file gives the voucher's type, a stored line of another known
type is not its line; and when the file names the voucher's customer (a voided invoice of Zoho
or QuickBooks), only the lines of that customer's stored accounts are: another customer's
invoice of that number and day (another app's numbering loaded into this app) stays. A
cancelled Tally voucher no longer names its customer, so its lines are found by number, date
and type alone. A line the file itself keeps under that number and date is not touched; but for
a file that gives types, a kept voucher of another type (`Sales 7` beside a cancelled `Export
Sales 7` of its day) keeps only itself: the stored lines of the withdrawn type go (those stored
without a type stay, as they may be the kept voucher's).

A load of one book removes only its own book's lines (`ledger_books`). A file naming no
company (of no known book) removes the voucher where the lending rule (`unnamed_books`) would
have written it: the lines of no known book and those of the one named book that holds its
number and date; when two named books hold it, the file cannot say whose it is and is
refused, in one line, before anything is removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, delete, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.name_lists import first_and_more
from store.ingest.errors import FileRejected
from store.ingest.keyed_rows import batches
from store.ingest.kinds.emptied_accounts import remove_emptied_no_customer_accounts
from store.ingest.kinds.group_headings import names_no_customer
from store.ingest.kinds.invoice_dates import InvoiceDates
from store.ingest.kinds.ledger_books import UNKNOWN_BOOK
from store.ingest.kinds.stored_invoices import SALE_LINES, NumberedLines
from store.ingest.plan import RemovalNote
from store.ingest.report import LISTED_NAMES, shown
from store.tables import ACCOUNT_TABLE, METADATA

# (date, invoice) pairs per statement: within every driver's bound-parameter limit.
_KEYS_PER_STATEMENT = 500


# What narrows the stored lines a withdrawn voucher names beyond its number and date: its
# voucher type as stored lines keep it (None: not known), and the stored accounts its customer
# may be (None: the file names no customer).
_Narrowing = tuple[str | None, frozenset[str] | None]


class WithdrawnInvoices:
    """The (date, invoice number) of each line of a load that is no sale, and where the
    stored lines they withdraw are (sale lines, or ledger entries)."""

    def __init__(self, where: NumberedLines = SALE_LINES) -> None:
        # (date, number) of a sale line; (date, number, kind) of a ledger entry; by what
        # narrows them.
        self._keys: dict[_Narrowing, set[tuple[dt.date, str] | tuple[dt.date, str, str]]] = {}
        self._where = where
        # Stored accounts of parties the file shows are no customer (`Cash`, a supplier), which
        # an older release made customers: what each party is.
        self._no_customers: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self._keys)

    def add(
        self,
        day: dt.date | None,
        invoice: str | None,
        kind: str = "",
        *,
        voucher_type: str | None = None,
        accounts: frozenset[str] | None = None,
        no_customer: str | None = None,
    ) -> None:
        """A line that is no sale (of a ledger: an entry of `kind`); one without a date or
        number can name no stored line. `voucher_type`: its type as stored lines keep it, when
        the file gives one; `accounts`: the stored accounts its customer may be, when the file
        names one (none: nothing stored is its line); `no_customer`: what that customer is,
        when the file shows it is none (`Cash`: a cash ledger, not a customer)."""
        if day is None or not invoice or accounts == frozenset():
            return
        if no_customer is not None and accounts is not None:
            self._no_customers.update(dict.fromkeys(accounts, no_customer))
        narrowing = (voucher_type, accounts)
        if self._where.kind is None:
            self._keys.setdefault(narrowing, set()).add((day, invoice))
        elif kind:
            self._keys.setdefault(narrowing, set()).add((day, invoice, kind))

    def _key_columns(self, table: Table, number: str | None = None) -> list[Column[Any]]:
        where = self._where
        columns = [table.c[where.date], table.c[number or where.number]]
        return columns if where.kind is None else [*columns, table.c[where.kind]]

    def _named(self, table: Table, batch: Sequence[Any]) -> ColumnElement[bool]:
        """The condition that a stored line is one of `batch`'s vouchers: by its number, or
        by the own number it records beside the bill it names (a receipt a ledger stored
        under the invoice it settles)."""
        named = tuple_(*self._key_columns(table)).in_(batch)
        recorded = self._where.recorded
        if recorded is None:
            return named
        return or_(named, tuple_(*self._key_columns(table, recorded)).in_(batch))

    @staticmethod
    def _narrowed(
        table: Table, narrowing: _Narrowing, *, typed_only: bool = False
    ) -> list[ColumnElement[bool]]:
        voucher_type, accounts = narrowing
        conditions: list[ColumnElement[bool]] = []
        if voucher_type is not None:
            column = table.c.voucher_type
            if typed_only:
                conditions.append(column == voucher_type)
            else:
                # A line stored without a type (its file had none) may be this voucher's: a
                # sale line's "" (its key has no NULL), a ledger entry's NULL.
                conditions.append(or_(column.is_(None), column.in_(("", voucher_type))))
        if accounts is not None:
            conditions.append(table.c.account_id.in_(sorted(accounts)))
        return conditions

    async def _refuse_two_books(
        self,
        connection: AsyncConnection,
        table: Table,
        deletions: Sequence[tuple[Sequence[Any], Sequence[ColumnElement[bool]]]],
    ) -> None:
        """Refused, in one line, if two named books hold a voucher the file withdraws: one
        read per statement the removal runs, before it runs."""
        columns = self._key_columns(table)
        # A receipt stored under the bill it settles is the voucher of the own number it
        # records (`_named`): counted under that number, or a book holding it so and another
        # holding it under its number would each seem alone, and both be removed.
        recorded = self._where.recorded
        numbered = [] if recorded is None else self._key_columns(table, recorded)
        size = len(columns)
        withdrawn = {tuple(key) for keys, _conditions in deletions for key in keys}
        books: dict[tuple[Any, ...], set[str]] = {}
        for _batch, conditions in deletions:
            rows = await connection.execute(
                select(*columns, *numbered, table.c.book)
                .distinct()
                .where(*conditions, table.c.book != UNKNOWN_BOOK)
            )
            for row in rows:
                for key in (tuple(row[:size]), tuple(row[size:-1])):
                    if key in withdrawn:
                        books.setdefault(key, set()).add(row[-1])
        both = sorted((key, sorted(named)) for key, named in books.items() if len(named) > 1)
        if not both:
            return
        (key, two), more = both[0], len(both) - 1
        others = f" (and {more} more)" if more else ""
        raise FileRejected(
            f"Voucher {key[1]} of {key[0].isoformat()}{others}, which this file says is no "
            f"sale, is held by two books, {two[0]!r} and {two[1]!r}, and this file names no "
            "company: load it with its company's name on the title's first line, above the "
            "columns"
        )

    def _no_customers_only(self, accounts: frozenset[str] | None) -> bool:
        """Whether these stored accounts are all of no customer: QuickBooks' `Not Specified`,
        or parties the file shows are none (`Cash`)."""
        return bool(accounts) and all(
            names_no_customer(account) or account in self._no_customers
            for account in accounts or ()
        )

    def _of_book(self, table: Table, narrowing: _Narrowing) -> list[ColumnElement[bool]]:
        """The load's own book's lines; and, for the accounts of no customer (under QuickBooks'
        `Not Specified` heading, or a Day Book's `Cash`), the lines of no known book too: the
        account an older release made holds them (stored before books were kept), and a named
        book's load adopts only its customers' lines, so it left them there."""
        book = self._where.book
        if book and self._no_customers_only(narrowing[1]):
            return [or_(table.c.book == book, table.c.book == UNKNOWN_BOOK)]
        return self._where.of_book()

    async def remove(
        self, connection: AsyncConnection, *, app: str, kept: Iterable[Kept | TypedKept]
    ) -> Sequence[str]:
        """Delete the stored lines of `app` of these invoices, but for those the file keeps
        (`kept`: account, date, invoice, and the voucher type when the file gives one); the
        note that says how many, if any."""
        # The voucher types the file keeps under each (date, number); None: not known.
        file_keys: dict[tuple[dt.date, str], set[str | None]] = {}
        for kept_line in kept:
            kind = kept_line[3] if len(kept_line) > 3 else None
            file_keys.setdefault((kept_line[1], kept_line[2]), set()).add(kind)
        where = self._where
        table = METADATA.tables[where.table]
        accounts = select(ACCOUNT_TABLE.c.account_id).where(ACCOUNT_TABLE.c.app_id == app)
        # What each statement deletes: the keys and the conditions narrowing them.
        deletions: list[tuple[Sequence[Any], list[ColumnElement[bool]]]] = []
        # Which of them delete the lines of parties the file shows are no customer (`Cash`).
        of_no_customer: set[int] = set()
        for narrowing in sorted(self._keys, key=repr):
            voucher_type = narrowing[0]
            keys: list[tuple[dt.date, str] | tuple[dt.date, str, str]] = []
            # Keys the file keeps a voucher of another known type under: that voucher's lines
            # may be stored untyped, so only lines of the withdrawn type go.
            beside: list[tuple[dt.date, str] | tuple[dt.date, str, str]] = []
            for key in sorted(self._keys[narrowing]):
                kinds = file_keys.get((key[0], key[1]))
                if kinds is None:
                    keys.append(key)
                elif voucher_type is not None and None not in kinds and voucher_type not in kinds:
                    beside.append(key)
            for batch_keys, typed_only in ((keys, False), (beside, True)):
                narrowed = self._narrowed(table, narrowing, typed_only=typed_only)
                for batch in batches(batch_keys, _KEYS_PER_STATEMENT):
                    conditions = [
                        table.c.account_id.in_(accounts),
                        self._named(table, batch),
                        *narrowed,
                    ]
                    if where.book != UNKNOWN_BOOK:
                        # A load's own book's lines only (ledger_books).
                        conditions.extend(self._of_book(table, narrowing))
                    parties = narrowing[1]
                    if parties and all(party in self._no_customers for party in parties):
                        of_no_customer.add(len(deletions))
                    deletions.append((batch, conditions))
        if where.book == UNKNOWN_BOOK:
            # Where the lending rule would have written the voucher: of no known book, or
            # the one named book that holds it (refused if two do).
            await self._refuse_two_books(connection, table, deletions)
        removed = 0
        removed_no_customer = 0
        for index, (_batch, conditions) in enumerate(deletions):
            result = await connection.execute(delete(table).where(*conditions))
            removed += result.rowcount
            if index in of_no_customer:
                removed_no_customer += result.rowcount
        # The `Not Specified` or `Cash` account an older release made, if this left it
        # holding nothing.
        named = sorted({account for _type, group in self._keys for account in group or ()})
        emptied = await remove_emptied_no_customer_accounts(
            connection, app=app, accounts=named, no_customers=self._no_customers
        )
        notes: list[str] = []
        if removed_no_customer:
            notes.append(
                RemovalNote(
                    self._no_customer_note(removed_no_customer), removed=removed_no_customer
                )
            )
        removed -= removed_no_customer
        if not removed:
            return [*notes, *emptied]
        if where.table == SALE_LINES.table:
            lines = counted(
                removed, "line of an invoice loaded before", "lines of invoices loaded before"
            )
        else:
            lines = counted(removed, f"{where.noun} loaded before", f"{where.nouns} loaded before")
        note = (
            f"Removed {lines} that this file says is no sale (void, draft, cancelled, or "
            f"under `Not Specified`: no customer's)"
        )
        return [*notes, RemovalNote(note, removed=removed), *emptied]

    def _no_customer_note(self, removed: int) -> str:
        """The line that says how many stored lines of parties that are no customer went."""
        where = self._where
        if where.table == SALE_LINES.table:
            lines = counted(removed, "sale line", "sale lines")
        else:
            lines = counted(removed, where.noun, where.nouns)
        accounts = sorted(self._no_customers)
        parties = first_and_more(accounts, LISTED_NAMES, lambda name: f"`{shown(name)}`")
        return (
            f"Removed {lines} an older release stored under {parties}, which this file shows "
            f"{'is' if len(accounts) == 1 else 'are'} no customer (a cash, bank or tax ledger, "
            f"a supplier or an expense paid): this release skips such lines"
        )


# A stored line's account, date and number, as a file keeps it; and with its voucher type
# (None: not known) from a file that gives types.
Kept = tuple[str, dt.date, str]
TypedKept = tuple[str, dt.date, str, str | None]


def dates_then_withdrawn(
    dates: InvoiceDates,
    withdrawn: WithdrawnInvoices,
    *,
    app: str,
    kept: Callable[[], Iterable[Kept | TypedKept]],
) -> Callable[[AsyncConnection], Awaitable[Sequence[str]]]:
    """The check of a sales or ledger load, in its transaction: the invoice dates (refused, or
    corrected with `--dates`), then the stored lines of the invoices the file withdraws, but
    for those it keeps (`kept()`); the report's lines of both."""

    async def check(connection: AsyncConnection) -> Sequence[str]:
        notes = list(await dates.check(connection))
        if withdrawn:
            removed = await withdrawn.remove(connection, app=app, kept=kept())
            if removed:
                # Lines deleted by number and date, of customers the file may not name:
                # the shared stored lines (`stored_invoices`) are read again when next asked.
                dates.stored.forget()
            notes.extend(removed)
        return notes

    return check
