"""demo_load: what the last complete `profiling demo` wrote, so that a rerun that would change
nothing says so at once

Empty after the upgrade: the next `profiling demo` checks the demo's rows as before and records
what it wrote.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "demo_load",
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("row_counts", sa.String(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint"),
    )


def downgrade() -> None:
    op.drop_table("demo_load")
