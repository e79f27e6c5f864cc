"""sale_line.book: the book (the company an export names above its columns) each sale line is
of, part of its key

A head office and its branch kept as two Tally companies number their vouchers apart: one
customer's `Sales 7` of 3 April may be in both, at different amounts. A sales load of the
branch took the head office's lines of the same number and day for its own and rewrote their
amount (a lost invoice). A line is now known by its book too, and a sales load edits, moves,
withdraws and trims only its own book's lines (store/ingest/kinds/ledger_books.py), as ledger
entries are since 0020.

Lines stored before this revision, like those of a file that names no company, are of no
known book (""): a load of a named book takes those it matches as its own, and a file without
a company header matches them as before.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 11:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = ("account_id", "sale_date", "invoice", "line")
# PostgreSQL's name for the key 0003 made; SQLite's is unnamed and rebuilt with the table.
_PRIMARY = "sale_line_pkey"
_VALUES = ("amount", "quantity", "cost", "profit", "includes_tax", "voucher_type", "date_ambiguous")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _copied(with_book=True)
        return
    op.add_column("sale_line", sa.Column("book", sa.String(), nullable=False, server_default=""))
    op.drop_constraint(_PRIMARY, "sale_line", type_="primary")
    op.create_primary_key(_PRIMARY, "sale_line", [*_KEY, "book"])


def downgrade() -> None:
    # Two books' lines at one key would collide: the unknown book's, else the first book's by
    # name, are kept, as one load of the key would have left it.
    op.execute(
        "DELETE FROM sale_line WHERE book <> (SELECT min(other.book) FROM sale_line AS other "
        "WHERE other.account_id = sale_line.account_id AND other.sale_date = "
        "sale_line.sale_date AND other.invoice = sale_line.invoice AND other.line = "
        "sale_line.line)"
    )
    if op.get_bind().dialect.name == "sqlite":
        _copied(with_book=False)
        return
    op.drop_constraint(_PRIMARY, "sale_line", type_="primary")
    op.create_primary_key(_PRIMARY, "sale_line", list(_KEY))
    op.drop_column("sale_line", "book")


def _copied(*, with_book: bool) -> None:
    """SQLite changes a primary key by copying the table (as 0020 does): every row kept."""
    book = [sa.Column("book", sa.String(), nullable=False, server_default="")] if with_book else []
    op.create_table(
        "_sale_line_new",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("sale_date", sa.Date(), nullable=False),
        sa.Column("invoice", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("amount", ExactDecimal(), nullable=False),
        sa.Column("quantity", ExactDecimal(), nullable=True),
        sa.Column("cost", ExactDecimal(), nullable=True),
        sa.Column("profit", ExactDecimal(), nullable=True),
        sa.Column("includes_tax", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("voucher_type", sa.String(), nullable=True),
        sa.Column("date_ambiguous", sa.Boolean(), nullable=True),
        *book,
        sa.ForeignKeyConstraint(["account_id"], ["account.account_id"]),
        sa.PrimaryKeyConstraint(*_KEY, *(("book",) if with_book else ())),
    )
    columns = ", ".join((*_KEY, *_VALUES))
    op.execute(f"INSERT INTO _sale_line_new ({columns}) SELECT {columns} FROM sale_line")
    op.drop_table("sale_line")
    op.rename_table("_sale_line_new", "sale_line")
