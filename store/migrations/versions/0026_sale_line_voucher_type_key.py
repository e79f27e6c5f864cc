"""sale_line.voucher_type: part of the line's key, "" where unknown (was NULL)

Tally numbers each voucher type apart, as QuickBooks Desktop numbers its invoices apart from
its sales receipts: one customer's `Sales 7` (Sales Register) and `Export Sales 7` (Export
Sales Register) of one day are two vouchers. Keyed by customer, date, number, place and book,
their lines shared a key: a load of the second register would have written over the first's,
so it was refused (a user with both registers could not load them). The type now completes
the key, and a load of one register writes, edits, trims and withdraws only its type's lines
(store/ingest/kinds/voucher_keys.py).

Lines stored without a type (files without a type column, and lines stored before 0019) are of
no known type (""): a typed load takes those at its voucher's customer, date and number as its
type's, and a file without types writes into the one known type stored at its line's key, as
before.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = ("account_id", "sale_date", "invoice", "line", "book")
# PostgreSQL's name for the key 0003 made (0024 kept it); SQLite's is unnamed.
_PRIMARY = "sale_line_pkey"
_VALUES = ("amount", "quantity", "cost", "profit", "includes_tax", "date_ambiguous")


def upgrade() -> None:
    op.execute("UPDATE sale_line SET voucher_type = '' WHERE voucher_type IS NULL")
    if op.get_bind().dialect.name == "sqlite":
        _copied(typed_key=True)
        return
    op.alter_column("sale_line", "voucher_type", nullable=False, server_default="")
    op.drop_constraint(_PRIMARY, "sale_line", type_="primary")
    op.create_primary_key(_PRIMARY, "sale_line", [*_KEY, "voucher_type"])


def downgrade() -> None:
    # Two types' lines at one key of 0024 would collide: the type first by name is kept
    # ("" before any), as the one a load of 0024 would have left.
    op.execute(
        "DELETE FROM sale_line WHERE voucher_type <> (SELECT min(other.voucher_type) FROM "
        "sale_line AS other WHERE other.account_id = sale_line.account_id AND "
        "other.sale_date = sale_line.sale_date AND other.invoice = sale_line.invoice AND "
        "other.line = sale_line.line AND other.book = sale_line.book)"
    )
    if op.get_bind().dialect.name == "sqlite":
        _copied(typed_key=False)
    else:
        op.drop_constraint(_PRIMARY, "sale_line", type_="primary")
        op.create_primary_key(_PRIMARY, "sale_line", list(_KEY))
        op.alter_column("sale_line", "voucher_type", nullable=True, server_default=None)
    op.execute("UPDATE sale_line SET voucher_type = NULL WHERE voucher_type = ''")


def _copied(*, typed_key: bool) -> None:
    """SQLite changes a primary key by copying the table (as 0024 does): every row kept."""
    kind = (
        sa.Column("voucher_type", sa.String(), nullable=False, server_default="")
        if typed_key
        else sa.Column("voucher_type", sa.String(), nullable=True)
    )
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
        kind,
        sa.Column("date_ambiguous", sa.Boolean(), nullable=True),
        sa.Column("book", sa.String(), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["account_id"], ["account.account_id"]),
        sa.PrimaryKeyConstraint(*_KEY, *(("voucher_type",) if typed_key else ())),
    )
    columns = ", ".join((*_KEY, *_VALUES, "voucher_type"))
    op.execute(f"INSERT INTO _sale_line_new ({columns}) SELECT {columns} FROM sale_line")
    op.drop_table("sale_line")
    op.rename_table("_sale_line_new", "sale_line")
