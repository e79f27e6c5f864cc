"""A file naming no company, of vouchers one named book holds: its lines are that book's.

A Tally Day Book whose title names its company (`Sharma Trading Co.`, `Sales 7`, gross
11,800.00) then a plain CSV of the same invoice without a title (10,000.00 before tax): the
CSV is of no known book (`ledger_books.UNKNOWN_BOOK`), and a load of no known book matched
only lines of no known book, so both were stored (21,800.00 of revenue) where, before books
were kept, the CSV's amount replaced the gross. Likewise a ledger exported once with its
company line and once without was stored twice, its opening balance (an entry without a
number) too.

A load of no known book now reads, once per thousand, which books hold its numbered invoices
(customer, kind for a ledger, number) in the numbering period of the file's date, and its
lines without a number (customer, kind for a ledger, day). What exactly one named book holds
is lent to the load, whatever lines of no known book hold it too (one voucher, one place):
its lines are set to no known book before the load's checks read them, so the load corrects,
re-dates and trims them as its own, and given back to that book after the writes, with the
file's lines and those of no known book of that invoice and period (or customer and day), as
if the file had named the book. A line the book and no known book both hold at one place (a
voucher stored twice before this rule) is kept once, of no known book, before the file's
line replaces it. What two named books hold is refused: the file cannot say which company's
it is. What no named book holds stays of no known book, as before.

A place is a line's date, line and voucher type (`_twice`): a sale line's places are counted
per type (`Sales 7` and `Export Sales 7` both at line 1), a ledger entry's across types, so two
types share one once a voucher is re-dated onto the other's. The line of no known book is that
of the book's line of its type; one of no known type is the book's one line at its place (not
two types' lines: the load's type settles it, `voucher_keys`), and a book's line of no known
type is the line no known book holds at its place. Before, the place was the date and line
alone, and a double of `Sales 7` removed the book's `Export Sales 7` at its place too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.errors import FileRejected
from store.ingest.keyed_rows import rows_changed, rows_with_keys
from store.ingest.kinds.invoice_moves import Period
from store.ingest.kinds.ledger_books import UNKNOWN_BOOK, Entry
from store.ingest.kinds.stored_invoices import NumberedLines, StoredInvoices, StoredLine
from store.ingest.progress import IngestProgress
from store.tables import METADATA

# An invoice without its book: account, number (a ledger's: account, kind, number).
Invoice = tuple[str, ...]
# A day of lines without a number: account, day (a ledger's: account, kind, day).
Day = tuple[object, ...]
# A line's place on its day (line, voucher type: "" unknown), and with its date.
Place = tuple[int, str]
DatedPlace = tuple[object, int, str]
# What the rule decides on: an invoice in one numbering period, or a day without numbers.
Unit = tuple[Invoice, int | None] | tuple[Day]


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
        # The book each lent invoice's numbering periods, and each lent day, go back to.
        self._lent: dict[tuple[Invoice, int | None], str] = {}
        self._lent_days: dict[Day, str] = {}
        # The lines of no known book to give back after the writes (invoice and date), by
        # book: the lent ones, and those of no known book of a lent invoice and period.
        self._given: dict[str, set[tuple[object, ...]]] = {}

    def _invoice(self, account: str, kind: str, number: str) -> Invoice:
        return (account, kind, number) if self._where.kind is not None else (account, number)

    def _day(self, account: str, kind: str, day: object) -> Day:
        return (account, kind, day) if self._where.kind is not None else (account, day)

    def _key(self) -> tuple[ColumnElement[Any], ...]:
        c = METADATA.tables[self._where.table].c
        kind = () if self._where.kind is None else (c[self._where.kind],)
        return (c.account_id, *kind, c[self._where.number])

    def _day_key(self) -> tuple[ColumnElement[Any], ...]:
        c = METADATA.tables[self._where.table].c
        kind = () if self._where.kind is None else (c[self._where.kind],)
        return (c.account_id, *kind, c[self._where.date])

    async def take(self, connection: AsyncConnection) -> Sequence[str]:
        where = self._where
        if where.book != UNKNOWN_BOOK:
            return []
        periods: dict[Invoice, set[int | None]] = {}
        days: set[Day] = set()
        for account, day, kind, number in self._entries():
            if number:
                periods.setdefault(self._invoice(account, kind, number), set()).add(
                    self._period(day)
                )
            else:
                days.add(self._day(account, kind, day))
        if not periods and not days:
            return []
        table = METADATA.tables[where.table]
        c = table.c
        key = self._key()
        size = len(key)
        stored = self._stored
        # The named books holding each unit of the file, and the lines of each invoice by
        # book (of no known book at any date; of a named book in the file's periods only).
        holders: dict[Unit, set[str]] = {}
        lines: dict[Invoice, dict[str, list[StoredLine]]] = {}
        if periods:
            # The one read of the file's invoices (all books): it also fills the stored-invoice
            # cache the date check, re-dating and trimming read, so a load reads them once.
            found = await rows_with_keys(
                connection, key, sorted(periods), c.book, *stored.columns()
            )
            for row in found:
                invoice: Invoice = tuple(row[:size])
                book: str = row[size]
                line = stored.line(row[size + 1 :])
                if book != UNKNOWN_BOOK:
                    period = self._period(line[0])
                    if period not in periods[invoice]:
                        continue
                    holders.setdefault((invoice, period), set()).add(book)
                lines.setdefault(invoice, {}).setdefault(book, []).append(line)
        day_lines = await self._read_days(connection, days, holders)
        self._refuse_two(holders)
        for unit, named in holders.items():
            (book,) = named
            if len(unit) == 2:
                self._lent[unit] = book
            else:
                self._lent_days[unit[0]] = book
        lent_invoices = {invoice for invoice, _period in self._lent}
        for wanted in periods:
            of_book = self._lend_lines(wanted, lines.get(wanted, {}))
            kind, number = (wanted[1], wanted[2]) if where.kind is not None else ("", wanted[1])
            stored.keep(where.key_values(wanted[0], kind, number), of_book)
        twice = await self._lend(connection, lines, day_lines)
        return self._note(lent_invoices, twice)

    async def _read_days(
        self, connection: AsyncConnection, days: set[Day], holders: dict[Unit, set[str]]
    ) -> dict[Day, dict[str, list[Place]]]:
        """The places (line, voucher type) of the lines without a number of the file's days,
        by book (all books, one read per thousand days); the named books holding each day
        added to `holders`."""
        if not days:
            return {}
        c = METADATA.tables[self._where.table].c
        day_key = self._day_key()
        size = len(day_key)
        found = await rows_with_keys(
            connection,
            day_key,
            sorted(days, key=repr),
            c.book,
            c.line,
            c.voucher_type,
            also=[c[self._where.number] == ""],
        )
        day_lines: dict[Day, dict[str, list[Place]]] = {}
        for row in found:
            one: Day = tuple(row[:size])
            book, place, kind = row[size], row[size + 1], row[size + 2]
            if book != UNKNOWN_BOOK:
                holders.setdefault((one,), set()).add(book)
            day_lines.setdefault(one, {}).setdefault(book, []).append((place, kind or ""))
        return day_lines

    async def _lend(
        self,
        connection: AsyncConnection,
        lines: dict[Invoice, dict[str, list[StoredLine]]],
        day_lines: dict[Day, dict[str, list[Place]]],
    ) -> int:
        """Lends each book its lent invoices' lines (in the lent periods) and days' lines,
        first deleting the book's copy of a place no known book holds too; notes what goes
        back after the writes. The number of places stored twice."""
        where = self._where
        table = METADATA.tables[where.table]
        c = table.c
        dated = (*self._key(), c[where.date])
        # Each book's lent lines, and the places no known book holds too (kept once): of
        # invoices (invoice, date, place) and of days without a number (day, place).
        lend: dict[str, set[tuple[object, ...]]] = {}
        twice: dict[str, set[tuple[object, ...]]] = {}
        twice_days: dict[str, set[tuple[object, ...]]] = {}
        for invoice in sorted({invoice for invoice, _period in self._lent}):
            unknown = [_dated_place(line) for line in lines[invoice].get(UNKNOWN_BOOK, [])]
            for book, of_book in lines[invoice].items():
                doubles = set() if book == UNKNOWN_BOOK else _twice(of_book, unknown)
                for line in of_book:
                    to = self._lent.get((invoice, self._period(line[0])))
                    if to is None or (book != UNKNOWN_BOOK and book != to):
                        continue
                    # Given back after the writes: the lent line, or one of no known book of
                    # the lent invoice and period.
                    self._given.setdefault(to, set()).add((*invoice, line[0]))
                    if book == UNKNOWN_BOOK:
                        continue
                    lend.setdefault(book, set()).add((*invoice, line[0]))
                    if _dated_place(line) in doubles:
                        twice.setdefault(book, set()).add((*invoice, *_dated_place(line)))
        for one, book in sorted(self._lent_days.items(), key=repr):
            # The day's places, each with the day in place of a date (one day, many lines).
            unknown_places = [(one, *place) for place in day_lines[one].get(UNKNOWN_BOOK, [])]
            lend.setdefault(book, set())
            book_places = [(one, *place) for place in day_lines[one][book]]
            for _day, place, kind in _twice_places(book_places, unknown_places):
                twice_days.setdefault(book, set()).add((*one, place, kind))
        day_key = self._day_key()
        no_number = [c[where.number] == ""]
        for book, keys in twice.items():
            await _delete(connection, table, (*dated, c.line, c.voucher_type), sorted(keys), book)
        for book, keys in twice_days.items():
            await _delete(
                connection,
                table,
                (*day_key, c.line, c.voucher_type),
                sorted(keys, key=repr),
                book,
                no_number,
            )
        for book, keys in lend.items():
            await _set_book(connection, table, dated, sorted(keys), book, UNKNOWN_BOOK)
            mine = sorted((one for one, of in self._lent_days.items() if of == book), key=repr)
            await _set_book(connection, table, day_key, mine, book, UNKNOWN_BOOK, also=no_number)
        return sum(map(len, twice.values())) + sum(map(len, twice_days.values()))

    def _lend_lines(
        self, invoice: Invoice, by_book: dict[str, list[StoredLine]]
    ) -> list[StoredLine]:
        """The lines of `invoice` the load reads as its own once lent: those of no known book,
        and the named book's lent ones but those no known book holds too (`_twice`)."""
        unknown = by_book.get(UNKNOWN_BOOK, [])
        places = [_dated_place(line) for line in unknown]
        own = list(unknown)
        for book, of_book in by_book.items():
            if book == UNKNOWN_BOOK:
                continue
            doubles = _twice(of_book, places)
            own.extend(
                line
                for line in of_book
                if self._lent.get((invoice, self._period(line[0]))) == book
                and _dated_place(line) not in doubles
            )
        return own

    def _refuse_two(self, holders: dict[Unit, set[str]]) -> None:
        """Refused, in one line, if two named books hold one of the file's units."""
        both = sorted(
            ((unit, sorted(named)) for unit, named in holders.items() if len(named) > 1),
            key=repr,
        )
        if not both:
            return
        (unit, two), more = both[0], len(both) - 1
        others = f" (and {more} more)" if more else ""
        if len(unit) == 2:
            invoice = unit[0]
            what = f"Invoice {invoice[-1]} of {invoice[0]}"
        else:
            day = unit[0]
            nouns = self._where.nouns if self._where.kind is not None else "lines"
            what = f"The {nouns} without a number of {day[0]} on {day[-1]}"
        raise FileRejected(
            f"{what}{others} is held by two books, {two[0]!r} and {two[1]!r}, and this file "
            "names no company: load it with its company's name on the title's first line, "
            "above the columns"
        )

    def _note(self, invoices: set[Invoice], twice: int) -> list[str]:
        if not self._lent and not self._lent_days:
            return []
        # How many invoices (one per book it went to) and days each book got.
        by_book: dict[str, int] = {}
        for _invoice, book in {(invoice, book) for (invoice, _p), book in self._lent.items()}:
            by_book[book] = by_book.get(book, 0) + 1
        for book in self._lent_days.values():
            by_book[book] = by_book.get(book, 0) + 1
        parts = []
        if invoices:
            parts.append(
                f"{counted(len(invoices), 'invoice', 'invoices')} of this file "
                "(customer and number)"
            )
        if self._lent_days:
            nouns = self._where.nouns if self._where.kind is not None else "lines"
            parts.append(
                f"{counted(len(self._lent_days), 'day', 'days')} of its {nouns} "
                "without a number (customer and day)"
            )
        held = ", ".join(f"{name!r}: {count}" for name, count in sorted(by_book.items()))
        stored_twice = (
            f"; {counted(twice, 'line', 'lines')} stored in that book and of no known book "
            "too kept once"
            if twice
            else ""
        )
        return [
            f"Book: {' and '.join(parts)} held by one named book each, written into that "
            f"book as if the file had named it ({held}){stored_twice}; the others are of no "
            "known book"
        ]

    def lent_back(self, book: str, entry: tuple[str, str, str, dt.date]) -> None:
        """A stored entry of `book` another step matched with one of the file's and lent to
        the load (`ledger_vouchers`: one receipt under its own number in one export and under
        its bill in the other): `entry` (account, kind, reference, date) goes back to `book`
        after the writes, with the file's entry of that key, as a lent invoice does."""
        account, kind, reference, day = entry
        self._given.setdefault(book, set()).add((*self._invoice(account, kind, reference), day))

    async def give_back(
        self, connection: AsyncConnection, _progress: IngestProgress
    ) -> Sequence[str]:
        if not self._lent and not self._lent_days and not self._given:
            return []
        where = self._where
        given = {book: set(keys) for book, keys in self._given.items()}
        for account, day, kind, number in self._entries():
            if number:
                invoice = self._invoice(account, kind, number)
                book = self._lent.get((invoice, self._period(day)))
                if book is not None:
                    given.setdefault(book, set()).add((*invoice, day))
        table = METADATA.tables[where.table]
        dated = (*self._key(), table.c[where.date])
        for book, keys in given.items():
            await _set_book(connection, table, dated, sorted(keys), UNKNOWN_BOOK, book)
        by_book: dict[str, list[Day]] = {}
        for one, book in self._lent_days.items():
            by_book.setdefault(book, []).append(one)
        for book, days in by_book.items():
            await _set_book(
                connection,
                table,
                self._day_key(),
                sorted(days, key=repr),
                UNKNOWN_BOOK,
                book,
                also=[table.c[where.number] == ""],
            )
        return []


def _dated_place(line: StoredLine) -> DatedPlace:
    """A stored line's place: its date, line and voucher type ("" unknown)."""
    return (line[0], line[1], line[4] or "")


def _twice(book_lines: Sequence[StoredLine], unknown: Sequence[DatedPlace]) -> set[DatedPlace]:
    """The places of a named book's lines that no known book holds too (`_twice_places`)."""
    return _twice_places([_dated_place(line) for line in book_lines], unknown)


def _twice_places(
    book: Sequence[tuple[object, int, str]], unknown: Sequence[tuple[object, int, str]]
) -> set[tuple[object, int, str]]:
    """Of a named book's places (date, line, voucher type), those no known book holds too
    (`unknown`): at its type; of no known type there where the book holds that place's one
    line; any type there for a book's line of no known type. Two types' lines at one place
    (a voucher re-dated onto another type's) are two vouchers: a line of no known book of
    one type is never the other's."""
    unknown_at: dict[tuple[object, int], set[str]] = {}
    for day, line, kind in unknown:
        unknown_at.setdefault((day, line), set()).add(kind)
    book_at: dict[tuple[object, int], int] = {}
    for day, line, _kind in book:
        book_at[(day, line)] = book_at.get((day, line), 0) + 1
    twice: set[tuple[object, int, str]] = set()
    for day, line, kind in book:
        held = unknown_at.get((day, line), set())
        if kind in held or (held and not kind) or ("" in held and book_at[(day, line)] == 1):
            twice.add((day, line, kind))
    return twice


async def _delete(
    connection: AsyncConnection,
    table: Table,
    key: tuple[ColumnElement[Any], ...],
    keys: Sequence[tuple[object, ...]],
    book: str,
    also: Sequence[ColumnElement[bool]] = (),
) -> None:
    """Lines of `keys` (values of `key`, down to the place, meeting `also`) of `book`, a
    thousand a statement: a place no known book holds too, kept once."""
    await rows_changed(
        connection,
        key,
        keys,
        delete(table).where(and_(table.c.book == book, *also)),
    )


async def _set_book(
    connection: AsyncConnection,
    table: Table,
    key: tuple[ColumnElement[Any], ...],
    keys: Sequence[tuple[object, ...]],
    old: str,
    new: str,
    *,
    also: Sequence[ColumnElement[bool]] = (),
) -> None:
    """Lines of `keys` (values of `key`, meeting `also`) of book `old` become book `new`, a
    thousand keys per statement."""
    await rows_changed(
        connection,
        key,
        keys,
        update(table).where(and_(table.c.book == old, *also)).values(book=new),
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
