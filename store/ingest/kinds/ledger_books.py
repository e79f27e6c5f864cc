"""The book a ledger load's entries are of, and the stored entries of no known book it takes.

A firm keeping two companies in Tally (two GSTINs, two branches) has one customer's ledger in
each; their bills may share a number and a day (`KD/001` of 1 April in both). An entry is
known by its book too (`ledger_entry.book`: the company the export names on its title's first
line, `analytics.book_titles`), and a load reads, edits, moves and removes only its own
book's entries (`NumberedLines.in_book`): a load of one book never touches another's, and
credit risk sums all books of a customer.

A file that names no company is of no known book (""), as is every entry stored before books
were kept: such a load matches entries of no known book only, as every load did before. A
load of a named book first takes as its own the entries of no known book it may match: those
of its customers with its numbers (any date: a re-dated invoice is moved as before), and,
without a number, of its customers, days and kinds; so reloading an export after the upgrade
doubles nothing. An entry whose place the book holds already stays of no known book.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import ColumnElement, and_, exists, update
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from store.ingest.keyed_rows import KEYS_PER_STATEMENT, key_in
from store.tables import LEDGER_TABLE

# An entry of the file: account (moved), date, kind, number ("" when none).
Entry = tuple[str, dt.date, str, str]
# No company named: the book of files without a company header and of entries stored before.
UNKNOWN_BOOK = ""


def book_note(book: str) -> str:
    """What the load says of its book."""
    if book == UNKNOWN_BOOK:
        return (
            "Book: no company named above the columns, so the entries are of no known book: "
            "this load edits and removes only entries of no known book, as before books were "
            "kept (load each company's export with its company header to keep two companies' "
            "books of one customer apart)"
        )
    return (
        f"Book: {book!r} (the company named above the columns): this load edits, moves and "
        f"removes only that book's entries; other books' entries of the same customers stay, "
        f"and credit risk sums them all"
    )


class BookAdoption:
    """The `check` step (before the date check reads stored entries) of a load of a named
    book: takes the entries of no known book it may match as its own. One statement per
    thousand numbers and one per thousand days without a number; none for a file of no
    known book."""

    def __init__(self, book: str, entries: Callable[[], Iterable[Entry]]) -> None:
        self._book = book
        self._entries = entries

    async def __call__(self, connection: AsyncConnection) -> Sequence[str]:
        book = self._book
        if book == UNKNOWN_BOOK:
            return []
        numbered: set[tuple[str, str, str]] = set()
        unnumbered: set[tuple[str, str, dt.date]] = set()
        for account, day, kind, number in self._entries():
            if number:
                numbered.add((account, kind, number))
            else:
                unnumbered.add((account, kind, day))
        c = LEDGER_TABLE.c
        mine = LEDGER_TABLE.alias("mine")
        # The book's own entry at the same place: that one is the book's, this one stays.
        taken = exists().where(
            mine.c.book == book,
            *(
                mine.c[name] == c[name]
                for name in ("account_id", "entry_date", "kind", "reference", "line")
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
            ((c.account_id, c.kind, c.reference), sorted(numbered), []),
            ((c.account_id, c.kind, c.entry_date), sorted(unnumbered), [c.reference == ""]),
        ]
        for key, keys, more in searches:
            for start in range(0, len(keys), KEYS_PER_STATEMENT):
                batch = keys[start : start + KEYS_PER_STATEMENT]
                statement = (
                    update(LEDGER_TABLE)
                    .where(and_(c.book == UNKNOWN_BOOK, key_in(key, batch), *more, ~taken))
                    .values(book=book)
                )
                adopted += (await connection.execute(statement)).rowcount
        if not adopted:
            return []
        entries = counted(adopted, "entry", "entries")
        return [
            f"Took {entries} stored of no known book (loaded before books were kept, or from "
            f"a file naming no company) as {book!r}'s: of this file's customers and numbers, "
            f"or days for entries without a number"
        ]
