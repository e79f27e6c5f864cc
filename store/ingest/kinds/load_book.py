"""The book of a sales or ledger load: the company its title names, or the one `--book`
names in its place.

A company renamed in its books (Tally's mailing name `Kaveri Distributors` became `Kaveri
Electricals`) prints its new name above its next exports; read from the title they are a new
book, and the ledger and register already stored under the old name are stored twice. `--book
OLD` says which stored book the file is of: it takes the place of the title's company, folded
as a title's is (`analytics.book_names.book_key`), so the load reads, edits and removes that
book's lines as a load under the old title would. It also names the book of a file whose title
was cut off (no company line).

The option wins over a title naming another company (the user knows the rename; a title
cannot say it), and the load's note names both. A `--book` naming no company (`""`, spaces,
punctuation: nothing left once folded) is refused in one line rather than read as "no known
book": an empty value is most often an unset shell variable (`--book "$BOOK"`), and a file of
no known book is what leaving the option out already gives a title without a company; forcing
a titled file there would let it edit the lines of no known book and the invoices named books
lend them, never what a user naming a book means.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.book_names import book_key
from analytics.book_titles import title_book
from store.books import book_is_stored, nearest, stored_books
from store.ingest.errors import FileRejected
from store.ingest.kinds.ledger_books import UNKNOWN_BOOK, book_note


def checked_book_option(book: str) -> str:
    """The `--book` value, if it names a company once folded; else `FileRejected`."""
    if not book_key(book):
        raise FileRejected(
            f"--book {book!r} names no company: give the company whose books the file is of, "
            "as its exports' titles print it (a renamed company's old name), or leave --book "
            "out to take the title's"
        )
    return book


async def check_option_book_stored(
    connection: AsyncConnection,
    *,
    title: Sequence[Sequence[str]],
    option: str | None,
    app: str,
    new_book: bool,
) -> None:
    """`FileRejected` when `--book` names a book nothing of `app` is stored under yet, unless
    `new_book` (`--new-book`) says it is meant to be new or the title names that company too:
    a misspelt `--book` would otherwise start a second book of the company beside the one
    meant, its ledger and register stored twice (outstanding and revenue counted twice), and
    joining the two afterwards (`profiling books rename --merge`) needs the exports reloaded
    to re-date and trim as a load does."""
    if option is None or new_book:
        return
    key = book_key(option)
    titled = title_book(title)
    if titled is not None and book_key(titled) == key:
        return
    if await book_is_stored(connection, book=key, app=app):
        return
    books = sorted({held.book for held in await stored_books(connection, app=app)})
    raise FileRejected(
        f"--book {option!r}: no book {key!r} is stored in app {app}"
        + nearest(key, books)
        + "; give --new-book as well to start that book (a company's first load under it)"
    )


@dataclass(frozen=True, slots=True)
class LoadBook:
    """The book a load's lines are stored and matched in (`key`, folded; `UNKNOWN_BOOK` when
    neither the option nor the title names one), and the names its note shows."""

    key: str
    # The name as given: the option's, else the title's (None when neither names one).
    printed: str | None
    # The option's value, when given (it then wins over the title).
    option: str | None = None
    # The company the title names, when the option is given.
    titled: str | None = None

    @classmethod
    def of_load(cls, title: Sequence[Sequence[str]], option: str | None) -> LoadBook:
        titled = title_book(title)
        if option is None:
            return cls(key=book_key(titled) if titled else UNKNOWN_BOOK, printed=titled)
        return cls(
            key=book_key(checked_book_option(option)),
            printed=option,
            option=option,
            titled=titled,
        )

    def note(self, nouns: str = "entries") -> str:
        """What the load says of its book (`nouns`: what it calls its lines)."""
        if self.option is None:
            return book_note(self.key, nouns, printed=self.printed)
        if self.titled is None:
            title = "the title names no company"
        elif book_key(self.titled) == self.key:
            title = f"the title names it too, as {self.titled!r}"
        else:
            title = (
                f"in place of {self.titled!r}, the company the title names, whose book "
                "this load leaves as it is"
            )
        return book_note(self.key, nouns, printed=self.option, source=f"--book; {title}")
