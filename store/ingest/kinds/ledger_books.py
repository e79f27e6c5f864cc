"""The book a ledger or sales load's lines are of, and the stored lines of no known book it
takes.

A firm keeping two companies in Tally (two GSTINs, two branches) has one customer's ledger in
each; their bills may share a number and a day (`KD/001` of 1 April in both). An entry is
known by its book too (`ledger_entry.book`: the company the export names on its title's first
line, `analytics.book_titles`), and a load reads, edits, moves and removes only its own
book's entries (`NumberedLines.in_book`): a load of one book never touches another's, and
credit risk sums all books of a customer.

A file that names no company is of no known book (""), as is every entry stored before books
were kept: such a load matches entries of no known book only, as every load did before, except
the invoices one named book holds, which it writes into that book (`unnamed_books`). A
load of a named book first takes as its own the entries of no known book it may match: those
of its customers with its numbers (any date: a re-dated invoice is moved as before), and,
without a number, of its customers, days and kinds; so reloading an export after the upgrade
doubles nothing. An entry whose place the book holds already stays of no known book.

Sale lines follow the same rule (`sale_line.book`, revision 0024): a head office's and its
branch's `Sales 7` of one customer and day are two invoices; a sales load of one book reads,
re-dates, withdraws and trims only its own book's lines, and takes the lines of no known book
of its customers' numbers (any date) and, without a number, of its customers' days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import ColumnElement, and_, exists, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.keyed_rows import rows_changed
from store.ingest.kinds.invoice_moves import Period, period_days
from store.ingest.kinds.stored_invoices import NumberedLines
from store.tables import METADATA

# An entry of the file: account (moved), date, kind, number ("" when none).
Entry = tuple[str, dt.date, str, str]
# No company named: the book of files without a company header and of entries stored before.
UNKNOWN_BOOK = ""


def book_note(
    book: str,
    nouns: str = "entries",
    *,
    printed: str | None = None,
    source: str = "the company named above the columns",
) -> str:
    """What the load says of its book (`nouns`: what it calls its lines; `printed`: the
    company's name as the title (or `--book`) gives it, of which `book` is the folded name,
    `analytics.book_names`; `source`: where the name comes from)."""
    if book == UNKNOWN_BOOK:
        return (
            f"Book: no company named above the columns, so the {nouns} are of no known book: "
            f"this load edits and removes only {nouns} of no known book, as before books were "
            "kept, except invoices one named book holds, written into that book "
            "(load each company's export with its company header to keep two companies' "
            "books of one customer apart)"
        )
    totals = "credit risk sums" if nouns == "entries" else "revenue and orders sum"
    shown = book if printed is None else printed
    folded = "" if shown == book else f", kept as {book!r}: its spellings are one book"
    return (
        f"Book: {shown!r} ({source}{folded}): this load edits, "
        "moves and "
        f"removes only that book's {nouns}; other books' {nouns} of the same customers stay, "
        f"and {totals} them all"
    )


class BookAdoption:
    """The `check` step (before the date check reads stored lines) of a load of a named book
    (`where.book`): takes the stored lines of no known book it may match as its own. One
    statement per thousand numbers and one per thousand days without a number; none for a
    file of no known book. `entries`: the file's (account, date, kind, number), kind "" for
    sale lines; `period`: the numbering period the load's re-dating uses (a number of another
    period is another voucher, not taken; one statement more per period beyond the first)."""

    def __init__(
        self, where: NumberedLines, entries: Callable[[], Iterable[Entry]], period: Period
    ) -> None:
        self._where = where
        self._entries = entries
        self._period = period

    async def __call__(self, connection: AsyncConnection) -> Sequence[str]:
        where = self._where
        book = where.book
        if book is None or book == UNKNOWN_BOOK:
            return []
        kinds = where.kind is not None
        # The numbers by the numbering period the file has them in.
        numbered: dict[int | None, set[tuple[str, ...]]] = {}
        # (account, kind, day) of a ledger's entries, (account, "", day) of sale lines.
        unnumbered: set[tuple[str, str, dt.date]] = set()
        for account, day, kind, number in self._entries():
            if number:
                numbered.setdefault(self._period(day), set()).add(
                    (account, kind, number) if kinds else (account, number)
                )
            else:
                unnumbered.add((account, kind if kinds else "", day))
        days: list[tuple[object, ...]] = [
            key if kinds else (key[0], key[2]) for key in sorted(unnumbered)
        ]
        table = METADATA.tables[where.table]
        c = table.c
        kind_column = () if where.kind is None else (c[where.kind],)
        mine = table.alias("mine")
        # The book's own line at the same place: that one is the book's, this one stays.
        taken = exists().where(
            mine.c.book == book,
            *(
                mine.c[column.name] == column
                for column in table.primary_key.columns
                if column.name != "book"
            ),
        )
        adopted = 0
        searches: list[
            tuple[
                tuple[ColumnElement[object], ...],
                list[tuple[object, ...]],
                list[ColumnElement[bool]],
            ]
        ] = [
            (
                (c.account_id, *kind_column, c[where.number]),
                [*sorted(numbers)],
                _within(c[where.date], period_days(period)),
            )
            for period, numbers in sorted(numbered.items(), key=repr)
        ]
        searches.append(
            (
                (c.account_id, *kind_column, c[where.date]),
                days,
                [c[where.number] == ""],
            )
        )
        for key, keys, more in searches:
            adopted += await rows_changed(
                connection,
                key,
                keys,
                (
                    update(table)
                    .where(and_(c.book == UNKNOWN_BOOK, *more, ~taken))
                    .values(book=book)
                ),
            )
        if not adopted:
            return []
        noun, nouns = (where.noun, where.nouns) if kinds else ("line", "lines")
        lines = counted(adopted, noun, nouns)
        return [
            f"Took {lines} stored of no known book (loaded before books were kept, or from "
            f"a file naming no company) as {book!r}'s: of this file's customers and numbers, "
            f"or days for {nouns} without a number"
        ]


def _within(
    date: ColumnElement[dt.date], days: tuple[dt.date, dt.date] | None
) -> list[ColumnElement[bool]]:
    """The condition that `date` is of the days (first, first after) of a period, if bound."""
    if days is None:
        return []
    return [date >= days[0], date < days[1]]
