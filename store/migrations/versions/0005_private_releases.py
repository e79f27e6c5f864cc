"""private releases: metric bounds, frozen private figures, every revision's membership

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("metric_definition") as batch:
        batch.add_column(sa.Column("lower_bound", ExactDecimal(), nullable=True))
        batch.add_column(sa.Column("upper_bound", ExactDecimal(), nullable=True))
    with op.batch_alter_table("cohort") as batch:
        for name in ("private_p25", "private_p50", "private_p75", "private_p90"):
            batch.add_column(sa.Column(name, sa.Float(), nullable=True))
        batch.add_column(sa.Column("private_rollup", ExactDecimal(), nullable=True))
        batch.add_column(sa.Column("release_epsilon", sa.Float(), nullable=True))
        batch.add_column(sa.Column("member_apps", sa.Text(), nullable=False, server_default="{}"))
    op.create_table(
        "cohort_revision",
        sa.Column("industry_id", sa.String(), nullable=False),
        sa.Column("metric_name", sa.String(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("member_ids", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("industry_id", "metric_name", "month", "revision"),
    )
    # The membership of months published before this migration is their first revision.
    op.execute(
        "INSERT INTO cohort_revision (industry_id, metric_name, month, revision, member_ids) "
        "SELECT c.industry_id, c.metric_name, c.month, p.revision, c.member_ids "
        "FROM cohort c JOIN published_month p ON p.month = c.month"
    )


def downgrade() -> None:
    op.drop_table("cohort_revision")
    with op.batch_alter_table("cohort") as batch:
        for name in ("member_apps", "release_epsilon", "private_rollup", "private_p90"):
            batch.drop_column(name)
        batch.drop_column("private_p75")
        batch.drop_column("private_p50")
        batch.drop_column("private_p25")
    with op.batch_alter_table("metric_definition") as batch:
        batch.drop_column("upper_bound")
        batch.drop_column("lower_bound")
