"""ledger_entry.book and sale_line.book folded again: the fold reads every script

The fold of 0027 read a combining mark (a Devanagari vowel sign, the virama) as punctuation,
a digit of another script as itself and a zero-width joiner as a space; it now keeps a
letter's marks in its word, reads every digit as its ASCII digit, drops the characters that
only change how a name is drawn, and folds the legal forms printed in Hindi
(analytics/book_names.py). Stored books are folded again by the new rule (a name in another
script's digits, `यूनिट २`, is the `यूनिट 2` a load now names), joining names that fold into
one as 0027 did (store/book_refold.py).

A name whose marks 0027 read as punctuation cannot be restored from the stored key (`शर्मा`
was stored `शर म`): the log names such books (stored names with letters of a script that
writes vowels as marks), to be renamed to the company's name with `profiling books rename`
before the company's next load (which would start the full name's book beside it).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 17:45:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from analytics.book_names import book_key
from store.book_refold import BOOK_TABLES, refold_books

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOG = logging.getLogger("alembic.runtime.migration")
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


def downgrade() -> None:
    # The names folded by this rule are books as 0027 knows them; the lines joined are not
    # split again.
    pass
