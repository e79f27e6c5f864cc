"""ledger_entry.book and sale_line.book: a book is stored by its folded name, so that one
company printed two ways is one book

A book was the company's name exactly as the title printed it (runs of spaces as one):
`Kaveri Distributors Pvt. Ltd.` and `Kaveri Distributors Pvt Ltd` (a mailing name edited) were
two books, and the same ledger loaded under each was stored twice. Loads now store and match
a book by its folded name (analytics/book_names.py); this revision folds the books stored
before it.

Where two stored spellings fold to one and both hold a line at one key (the key of the line
without its book), one line is kept: the line of the spelling first by name (as 0020's and
0024's downgrades keep one line per key). Identical lines (every value equal) were the same
export loaded twice; lines that differ were two exports of the book at different times, and
the order they were loaded in is not stored: the migration logs how many of each it removed,
and reloading the book's latest export corrects what the kept line got wrong.

The fold is applied by the rule of this release (imported): a later change to the rule needs
a revision of its own that folds the stored books again.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 14:50:00
"""

import logging
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from analytics.book_names import book_key

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOG = logging.getLogger("alembic.runtime.migration")
# Each table holding books: its key without the book, and its other values.
_TABLES = {
    "ledger_entry": (
        ("account_id", "entry_date", "kind", "reference", "line"),
        ("amount", "due_date", "voucher_type", "date_ambiguous", "voucher_number"),
    ),
    # The voucher type is part of a sale line's key since 0026 (Sales 7 and Export Sales 7
    # of one day are two vouchers, not one stored twice).
    "sale_line": (
        ("account_id", "sale_date", "invoice", "line", "voucher_type"),
        ("amount", "quantity", "cost", "profit", "includes_tax", "date_ambiguous"),
    ),
}


def upgrade() -> None:
    for name, (key, values) in _TABLES.items():
        _fold(name, key, values)


def downgrade() -> None:
    # The printed spellings are not kept: a folded name is a book as 0024 knows one, and the
    # lines removed as stored twice are not restored.
    pass


def _fold(name: str, key: Sequence[str], values: Sequence[str]) -> None:
    bind = op.get_bind()
    table = sa.table(name, *(sa.column(column) for column in (*key, *values, "book")))
    stored = [row[0] for row in bind.execute(sa.select(table.c.book).distinct())]
    spellings: dict[str, list[str]] = defaultdict(list)
    for book in stored:
        spellings[book_key(book)].append(book)
    renamed = joined = identical = differing = 0
    for folded, books in sorted(spellings.items()):
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
        "0027: %s: %d stored book names folded (books printed two or more ways: %d); lines "
        "stored under two spellings of one book removed: %d identical, %d differing (the line "
        "of the spelling first by name kept)",
        name,
        renamed,
        joined,
        identical,
        differing,
    )
