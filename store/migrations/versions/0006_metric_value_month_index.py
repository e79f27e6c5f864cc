"""metric_value indexed by month: publish of a month and the count of months at ten million

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 13:55:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No read filters on a metric name without its entity (the primary key serves those);
    # the month's account values are what publish reads, so the month leads instead.
    with op.batch_alter_table("metric_value") as batch:
        batch.drop_index("ix_metric_value_metric_month")
        batch.create_index("ix_metric_value_month_level", ["effective_date", "level"])


def downgrade() -> None:
    with op.batch_alter_table("metric_value") as batch:
        batch.drop_index("ix_metric_value_month_level")
        batch.create_index("ix_metric_value_metric_month", ["metric_name", "effective_date"])
