"""ledger_entry.book and sale_line.book folded again: the fold reads every script

The fold of 0027 read a combining mark (a Devanagari vowel sign, the virama) as punctuation,
a digit of another script as itself and a zero-width joiner as a space; it now keeps a
letter's marks in its word, reads every digit as its ASCII digit, drops the characters that
only change how a name is drawn, and folds the legal forms printed in Hindi
(analytics/book_names.py). Stored books are folded again by the new rule (a name in another
script's digits, `यूनिट २`, is the `यूनिट 2` a load now names), joining names that fold into
one as 0027 did (the refold is this revision's own copy, keyed as 0027 left the tables).

A name whose marks 0027 read as punctuation cannot be restored from the stored key (`शर्मा`
was stored `शर म`): the log names such books (stored names with letters of a script that
writes vowels as marks), to be renamed to the company's name with `profiling books rename`
before the company's next load (which would start the full name's book beside it).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 17:45:00
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from analytics.book_names import book_key

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOG = logging.getLogger("alembic.runtime.migration")
# Each table holding books as 0027 left it: its key without the book, and its other values. A
# ledger entry's voucher type is no part of its key before 0029 (it may be NULL), so this
# revision keeps its own copy of the refold (the live one, store/book_refold.py, keys the
# tables as they are now).
BOOK_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ledger_entry": (
        ("account_id", "entry_date", "kind", "reference", "line"),
        ("amount", "due_date", "voucher_type", "date_ambiguous", "voucher_number"),
    ),
    "sale_line": (
        ("account_id", "sale_date", "invoice", "line", "voucher_type"),
        ("amount", "quantity", "cost", "profit", "includes_tax", "date_ambiguous"),
    ),
}
# Scripts that write vowels and other signs as combining marks: Hebrew to the Arabic
# extensions, the Indic scripts (Devanagari to Sinhala), Thai to Myanmar, Khmer.
_MARKED_SCRIPTS = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0E00, 0x109F), (0x1780, 0x17FF))


def _marked(name: str) -> bool:
    return any(low <= ord(char) <= high for char in name for low, high in _MARKED_SCRIPTS)


def upgrade() -> None:
    bind = op.get_bind()
    refold_books(bind, book_key, revision="0028")
    # After the refold: a name in another script's digits alone is whole again.
    cut: set[str] = set()
    for name in BOOK_TABLES:
        table = sa.table(name, sa.column("book"))
        stored = bind.execute(sa.select(table.c.book).distinct()).scalars()
        cut.update(book for book in stored if _marked(book))
    if cut:
        shown = ", ".join(repr(book) for book in sorted(cut)[:5])
        _LOG.warning(
            "0028: %d stored book names are in a script whose vowel signs the previous fold "
            "read as punctuation (%s%s): check them with `profiling books list` and rename "
            "each to its company's name with `profiling books rename` before its next load",
            len(cut),
            shown,
            "" if len(cut) <= 5 else ", ...",
        )


def refold_books(bind: Connection, fold: Callable[[str], str], *, revision: str) -> None:
    """Every book of both tables stored under `fold` of its stored name; where two stored
    names fold to one and both hold a line at one key, the line of the name first by name is
    kept (as 0027 did), and the log counts the lines removed, identical and differing."""
    for name, (key, values) in BOOK_TABLES.items():
        _refold(bind, name, key, values, fold, revision)


def _refold(
    bind: Connection,
    name: str,
    key: Sequence[str],
    values: Sequence[str],
    fold: Callable[[str], str],
    revision: str,
) -> None:
    table = sa.table(name, *(sa.column(column) for column in (*key, *values, "book")))
    stored = [row[0] for row in bind.execute(sa.select(table.c.book).distinct())]
    names: dict[str, list[str]] = defaultdict(list)
    for book in stored:
        names[fold(book)].append(book)
    renamed = joined = identical = differing = 0
    for folded, books in sorted(names.items()):
        if books == [folded]:
            continue
        other = table.alias("other")
        same_key = sa.and_(
            *(other.c[column] == table.c[column] for column in key),
            other.c.book.in_(books),
            other.c.book < table.c.book,
        )
        same_values = sa.and_(*(other.c[c].is_not_distinct_from(table.c[c]) for c in values))
        stored_twice = sa.and_(table.c.book.in_(books), sa.exists().where(same_key))
        both = bind.execute(
            sa.select(
                sa.func.count(),
                sa.func.count().filter(sa.exists().where(same_key, same_values)),
            ).where(stored_twice)
        ).one()
        identical += both[1]
        differing += both[0] - both[1]
        bind.execute(sa.delete(table).where(stored_twice))
        bind.execute(sa.update(table).where(table.c.book.in_(books)).values(book=folded))
        renamed += len([book for book in books if book != folded])
        joined += len(books) > 1
    _LOG.info(
        "%s: %s: %d stored book names folded (names folded into one: %d); lines stored under "
        "two names of one book removed: %d identical, %d differing (the line of the name "
        "first by name kept)",
        revision,
        name,
        renamed,
        joined,
        identical,
        differing,
    )


def downgrade() -> None:
    # The names folded by this rule are books as 0027 knows them; the lines joined are not
    # split again.
    pass
