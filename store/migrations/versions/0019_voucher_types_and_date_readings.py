"""sale_line and ledger_entry: the voucher type each stored line came with (`sales`, `export
sales`, `sales receipt`), and whether its date could be read both ways (`04/01/2024`)

Two vouchers of one customer may share a number when their types are numbered apart (Tally's
`Sales 7` and `Export Sales 7`, QuickBooks Desktop's Invoice 5 and Sales Receipt 5): a later
load takes a stored invoice of another date for the same voucher only when the types agree
(`store.ingest.kinds.invoice_moves`). Lines stored before this revision, and lines of files
without a type column, have none (NULL): a load treats them as it did before, by customer and
number alone.

A stored date that could not be read both ways (`10-Mar-24`, `2024-03-10`, `13/03/2024`) was
read right: a later file giving its number the date with day and month swapped is not refused
as a misreading of it, nor does `--dates` delete it (`store.ingest.kinds.invoice_dates`).
Lines stored before this revision have no record (NULL): taken as possibly misread, as before.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("sale_line", "ledger_entry")


def upgrade() -> None:
    for name in _TABLES:
        op.add_column(name, sa.Column("voucher_type", sa.String(), nullable=True))
        op.add_column(name, sa.Column("date_ambiguous", sa.Boolean(), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by copying the table: batch mode does that, keeping every row.
    for name in _TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("voucher_type")
            batch.drop_column("date_ambiguous")
