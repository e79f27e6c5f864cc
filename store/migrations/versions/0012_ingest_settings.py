"""ingest settings: the order of day and month an app's exports write, kept per app

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One row per app given `profiling ingest --dates`; NULL lets each file's dates decide.
    op.create_table(
        "ingest_setting",
        sa.Column("app_id", sa.String(), nullable=False),
        sa.Column("date_order", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["app_id"], ["app.app_id"]),
        sa.PrimaryKeyConstraint("app_id"),
    )


def downgrade() -> None:
    op.drop_table("ingest_setting")
