"""ledger_entry.book: the book (the company an export names above its columns) each ledger
entry is of, part of its key

A firm keeping two Tally companies (two GSTINs, two branches) has one customer's ledger in
each, with bill numbers and days the two may share: a load of one company's ledger edited and
trimmed the other's entries of the same number and day, and its entries without a number took
the other's places. An entry is now known by its book too, and a load edits, moves and trims
only its own book's entries (store/ingest/kinds/ledger_books.py).

Entries stored before this revision, like those of a file that names no company, are of no
known book (""): a load of a named book takes those it matches as its own, as before, and a
file without a company header matches them as before.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = ("account_id", "entry_date", "kind", "reference", "line")
# PostgreSQL's name for the key 0003 made; SQLite's is unnamed and rebuilt with the table.
_PRIMARY = "ledger_entry_pkey"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _copied(with_book=True)
        return
    op.add_column("ledger_entry", sa.Column("book", sa.String(), nullable=False, server_default=""))
    op.drop_constraint(_PRIMARY, "ledger_entry", type_="primary")
    op.create_primary_key(_PRIMARY, "ledger_entry", [*_KEY, "book"])


def downgrade() -> None:
    # Two books' entries at one key would collide: the unknown book's, else the first book's
    # by name, are kept, as one load of the key would have left it.
    op.execute(
        "DELETE FROM ledger_entry WHERE book <> (SELECT min(other.book) FROM ledger_entry "
        "AS other WHERE other.account_id = ledger_entry.account_id AND other.entry_date = "
        "ledger_entry.entry_date AND other.kind = ledger_entry.kind AND other.reference = "
        "ledger_entry.reference AND other.line = ledger_entry.line)"
    )
    if op.get_bind().dialect.name == "sqlite":
        _copied(with_book=False)
        return
    op.drop_constraint(_PRIMARY, "ledger_entry", type_="primary")
    op.create_primary_key(_PRIMARY, "ledger_entry", list(_KEY))
    op.drop_column("ledger_entry", "book")


def _copied(*, with_book: bool) -> None:
    """SQLite changes a primary key by copying the table (Alembic's batch mode warns of a key
    that differs from the reflected columns', so the copy is written out): every row kept."""
    book = [sa.Column("book", sa.String(), nullable=False, server_default="")] if with_book else []
    op.create_table(
        "_ledger_entry_new",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("amount", ExactDecimal(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("voucher_type", sa.String(), nullable=True),
        sa.Column("date_ambiguous", sa.Boolean(), nullable=True),
        *book,
        sa.ForeignKeyConstraint(["account_id"], ["account.account_id"]),
        sa.PrimaryKeyConstraint(*_KEY, *(("book",) if with_book else ())),
    )
    columns = ", ".join((*_KEY, "amount", "due_date", "voucher_type", "date_ambiguous"))
    op.execute(f"INSERT INTO _ledger_entry_new ({columns}) SELECT {columns} FROM ledger_entry")
    op.drop_table("ledger_entry")
    op.rename_table("_ledger_entry_new", "ledger_entry")
