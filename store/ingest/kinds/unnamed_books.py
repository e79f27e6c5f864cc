"""A file naming no company, of invoices one named book holds: its lines are that book's.

A Tally Day Book whose title names its company (`Sharma Trading Co.`, `Sales 7`, gross
11,800.00) then a plain CSV of the same invoice without a title (10,000.00 before tax): the
CSV is of no known book (`ledger_books.UNKNOWN_BOOK`), and a load of no known book matched
only lines of no known book, so both were stored (21,800.00 of revenue) where, before books
were kept, the CSV's amount replaced the gross. Likewise a ledger exported once with its
company line and once without was stored twice.

A load of no known book now reads, once per thousand invoices, which books hold its numbered
invoices (customer, kind for a ledger, number) in the numbering period of the file's date.
An invoice exactly one named book holds (and no line of no known book) is lent to the load:
its lines are set to no known book before the load's checks read them, so the load corrects,
re-dates and trims them as its own, and given back to that book after the writes, with the
file's lines of that invoice (as if the file had named the book). An invoice two named books
hold is refused: the file cannot say which company's it is. Invoices no named book holds stay
of no known book, as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.errors import FileRejected
from store.ingest.keyed_rows import KEYS_PER_STATEMENT, key_in, rows_with_keys
from store.ingest.kinds.invoice_moves import Period
from store.ingest.kinds.ledger_books import UNKNOWN_BOOK, Entry
from store.ingest.kinds.stored_invoices import NumberedLines, StoredInvoices, StoredLine
from store.ingest.progress import IngestProgress
from store.tables import METADATA

# An invoice without its book: account, number (a ledger's: account, kind, number).
Invoice = tuple[str, ...]


class NamedBookInvoices:
    """`take` (a check step, before the invoice-date check reads stored lines) and
    `give_back` (after the writes) of a load of no known book (`where.book == ""`); nothing
    for a load of a named book. `entries`: the file's (account, date, kind, number), kind ""
    for sale lines; `period`: the numbering period the load's re-dating uses."""

    def __init__(
        self,
        where: NumberedLines,
        entries: Callable[[], Iterable[Entry]],
        period: Period,
        stored: StoredInvoices,
    ) -> None:
        self._stored = stored
        self._where = where
        self._entries = entries
        self._period = period
        # The invoices lent to this load, by the book they are given back to.
        self._lent: dict[str, list[Invoice]] = {}
        # The lent lines (invoice and date), and each lent invoice's numbering periods the
        # book holds it in: the file's lines of those periods are given back with them.
        self._lent_days: dict[str, set[tuple[object, ...]]] = {}
        self._held_periods: dict[Invoice, set[int | None]] = {}

    def _key(self) -> tuple[ColumnElement[Any], ...]:
        c = METADATA.tables[self._where.table].c
        kind = () if self._where.kind is None else (c[self._where.kind],)
        return (c.account_id, *kind, c[self._where.number])

    async def take(self, connection: AsyncConnection) -> Sequence[str]:
        where = self._where
        if where.book != UNKNOWN_BOOK:
            return []
        kinds = where.kind is not None
        periods: dict[Invoice, set[int | None]] = {}
        for account, day, kind, number in self._entries():
            if number:
                periods.setdefault(
                    (account, kind, number) if kinds else (account, number), set()
                ).add(self._period(day))
        if not periods:
            return []
        table = METADATA.tables[where.table]
        c = table.c
        key = (c.account_id, *((c[where.kind],) if where.kind is not None else ()), c[where.number])
        size = len(key)
        stored = self._stored
        # The one read of the file's invoices (all books): it also fills the stored-invoice
        # cache the date check, re-dating and trimming read, so a load reads them once.
        found = await rows_with_keys(connection, key, sorted(periods), c.book, *stored.columns())
        unknown: set[Invoice] = set()
        books: dict[Invoice, set[str]] = {}
        # Each invoice's lines of no known book, and of each named book in the file's periods
        # (those lent; other periods' stay).
        lines: dict[Invoice, dict[str, list[StoredLine]]] = {}
        for row in found:
            invoice: Invoice = tuple(row[:size])
            book: str = row[size]
            line = stored.line(row[size + 1 :])
            if book == UNKNOWN_BOOK:
                unknown.add(invoice)
            elif self._period(line[0]) in periods[invoice]:
                books.setdefault(invoice, set()).add(book)
                self._held_periods.setdefault(invoice, set()).add(self._period(line[0]))
            else:
                continue
            lines.setdefault(invoice, {}).setdefault(book, []).append(line)
        both = sorted(
            (invoice, sorted(named)) for invoice, named in books.items() if len(named) > 1
        )
        if both:
            first, two = both[0]
            others = f" (and {len(both) - 1} more)" if len(both) > 1 else ""
            raise FileRejected(
                f"Invoice {first[-1]} of {first[0]}{others} is held by two books, "
                f"{two[0]!r} and {two[1]!r}, and this file names no company: load it "
                "with its company's name on the title's first line, above the columns"
            )
        lent: dict[str, list[Invoice]] = {}
        for held_invoice, held_by in books.items():
            if held_invoice not in unknown:
                lent.setdefault(next(iter(held_by)), []).append(held_invoice)
        self._lent = {book: sorted(invoices) for book, invoices in sorted(lent.items())}
        given = {invoice: book for book, invoices in self._lent.items() for invoice in invoices}
        for wanted in periods:
            of_book = lines.get(wanted, {}).get(given.get(wanted, UNKNOWN_BOOK), [])
            kind, number = (wanted[1], wanted[2]) if kinds else ("", wanted[1])
            stored.keep(where.key_values(wanted[0], kind, number), of_book)
        date = c[where.date]
        for named_book, invoices in self._lent.items():
            days = {(*one, line[0]) for one in invoices for line in lines[one][named_book]}
            self._lent_days[named_book] = days
            await _set_book(connection, table, (*key, date), sorted(days), named_book, UNKNOWN_BOOK)
        if not self._lent:
            return []
        held = ", ".join(f"{name!r}: {len(of)}" for name, of in self._lent.items())
        count = counted(sum(map(len, self._lent.values())), "invoice", "invoices")
        return [
            f"Book: {count} of this file (customer and number) held by one named book "
            f"each, written into that book as if the file had named it ({held}); the "
            "others are of no known book"
        ]

    async def give_back(
        self, connection: AsyncConnection, _progress: IngestProgress
    ) -> Sequence[str]:
        if not self._lent:
            return []
        where = self._where
        kinds = where.kind is not None
        given = {invoice: book for book, invoices in self._lent.items() for invoice in invoices}
        days = {book: set(lent) for book, lent in self._lent_days.items()}
        for account, day, kind, number in self._entries():
            invoice = (account, kind, number) if kinds else (account, number)
            book = given.get(invoice)
            if book is not None and self._period(day) in self._held_periods[invoice]:
                days[book].add((*invoice, day))
        table = METADATA.tables[where.table]
        dated = (*self._key(), table.c[where.date])
        for book, lent in days.items():
            await _set_book(connection, table, dated, sorted(lent), UNKNOWN_BOOK, book)
        return []


async def _set_book(
    connection: AsyncConnection,
    table: Table,
    key: tuple[ColumnElement[Any], ...],
    keys: Sequence[tuple[object, ...]],
    old: str,
    new: str,
) -> None:
    """Lines of `keys` (values of `key`) of book `old` become book `new`, a thousand keys per
    statement."""
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        batch = keys[start : start + KEYS_PER_STATEMENT]
        await connection.execute(
            update(table).where(and_(table.c.book == old, key_in(key, batch))).values(book=new)
        )


Before = Callable[[AsyncConnection, IngestProgress], Awaitable[Sequence[str]]]


def after_both(first: Before, then: Before | None) -> Before:
    """`first`, then `then` (a plan's `after`), their report lines together."""

    async def both(connection: AsyncConnection, progress: IngestProgress) -> Sequence[str]:
        lines = list(await first(connection, progress))
        if then is not None:
            lines.extend(await then(connection, progress))
        return lines

    return both
