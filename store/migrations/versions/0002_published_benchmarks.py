"""published benchmarks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 00:50:25.433497
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "published_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("min_cohort", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "cohort",
        sa.Column("industry_id", sa.String(), nullable=False),
        sa.Column("metric_name", sa.String(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("cohort_size", sa.Integer(), nullable=False),
        sa.Column("p25", sa.Float(), nullable=True),
        sa.Column("p50", sa.Float(), nullable=True),
        sa.Column("p75", sa.Float(), nullable=True),
        sa.Column("p90", sa.Float(), nullable=True),
        sa.Column("rollup", ExactDecimal(), nullable=True),
        sa.Column("member_ids", sa.Text(), nullable=False),
        sa.Column("member_values", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["industry_id"],
            ["industry.industry_id"],
        ),
        sa.ForeignKeyConstraint(
            ["metric_name"],
            ["metric_definition.name"],
        ),
        sa.ForeignKeyConstraint(
            ["month"],
            ["published_month.month"],
        ),
        sa.PrimaryKeyConstraint("industry_id", "metric_name", "month"),
    )


def downgrade() -> None:

    op.drop_table("cohort")
    op.drop_table("published_month")
