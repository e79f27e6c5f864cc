"""sale_line.includes_tax: whether a sale line's amount includes the taxes on it

A condensed Tally Day Book knows only an invoice's gross; its Sales Register and detailed Day
Book the amount before tax. Lines stored before this revision were stored as their export
gave them, which no row says: they are taken as before tax (false), as sales amounts are
meant to be, so a later gross load never replaces them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sale_line",
        sa.Column("includes_tax", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("sale_line") as batch:
        batch.drop_column("includes_tax")
