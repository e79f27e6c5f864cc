"""ledger_entry.voucher_type: part of the entry's key, "" where unknown (was NULL)

As a sale line's since 0026: one customer's `Sales 7` (Sales Register) and `Export Sales 7`
(Export Sales Register) of one day are two vouchers, so their ledger entries are two. Keyed by
customer, date, kind, reference, place and book, they shared a key, and a ledger load of the
second register was refused as a collision. The type now completes the key: each type's
entries are matched, re-dated, edited, trimmed and withdrawn on their own, their places still
counted across types so that stored entries keep theirs (store/ingest/kinds/voucher_keys.py,
ledger_places.py).

Entries stored without a type (files without a kind column, entries stored before 0019) are
of no known type (""): a typed load takes those at its voucher's key as its type's, and a file
without types writes into the one known type stored at its entry's key. Every entry is kept:
its key only gains a column, so no two stored entries collide.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = ("account_id", "entry_date", "kind", "reference", "line", "book")
# PostgreSQL's name for the key (0020 made it); SQLite's is unnamed.
_PRIMARY = "ledger_entry_pkey"
_VALUES = ("amount", "due_date", "date_ambiguous", "voucher_number")


def upgrade() -> None:
    op.execute("UPDATE ledger_entry SET voucher_type = '' WHERE voucher_type IS NULL")
    if op.get_bind().dialect.name == "sqlite":
        _copied(typed_key=True)
        return
    op.alter_column("ledger_entry", "voucher_type", nullable=False, server_default="")
    op.drop_constraint(_PRIMARY, "ledger_entry", type_="primary")
    op.create_primary_key(_PRIMARY, "ledger_entry", [*_KEY, "voucher_type"])


def downgrade() -> None:
    # Two types' entries at one key of 0028 would collide: the type first by name is kept
    # ("" before any), as 0026's downgrade does for sale lines.
    op.execute(
        "DELETE FROM ledger_entry WHERE voucher_type <> (SELECT min(other.voucher_type) FROM "
        "ledger_entry AS other WHERE other.account_id = ledger_entry.account_id AND "
        "other.entry_date = ledger_entry.entry_date AND other.kind = ledger_entry.kind AND "
        "other.reference = ledger_entry.reference AND other.line = ledger_entry.line AND "
        "other.book = ledger_entry.book)"
    )
    if op.get_bind().dialect.name == "sqlite":
        _copied(typed_key=False)
    else:
        op.drop_constraint(_PRIMARY, "ledger_entry", type_="primary")
        op.create_primary_key(_PRIMARY, "ledger_entry", list(_KEY))
        op.alter_column("ledger_entry", "voucher_type", nullable=True, server_default=None)
    op.execute("UPDATE ledger_entry SET voucher_type = NULL WHERE voucher_type = ''")


def _copied(*, typed_key: bool) -> None:
    """SQLite changes a primary key by copying the table (as 0020 and 0026 do): every row
    kept."""
    kind = (
        sa.Column("voucher_type", sa.String(), nullable=False, server_default="")
        if typed_key
        else sa.Column("voucher_type", sa.String(), nullable=True)
    )
    op.create_table(
        "_ledger_entry_new",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("amount", ExactDecimal(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        kind,
        sa.Column("date_ambiguous", sa.Boolean(), nullable=True),
        sa.Column("book", sa.String(), nullable=False, server_default=""),
        sa.Column("voucher_number", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.account_id"]),
        sa.PrimaryKeyConstraint(*_KEY, *(("voucher_type",) if typed_key else ())),
    )
    columns = ", ".join((*_KEY, *_VALUES, "voucher_type"))
    op.execute(f"INSERT INTO _ledger_entry_new ({columns}) SELECT {columns} FROM ledger_entry")
    op.drop_table("ledger_entry")
    op.rename_table("_ledger_entry_new", "ledger_entry")
