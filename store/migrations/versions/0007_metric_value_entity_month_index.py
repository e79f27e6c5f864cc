"""metric_value indexed by entity and month: reads of some months of many entities

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The primary key puts the metric before the month, so a read of 12 months of an entity
    # walks all of its months; this index probes each month.
    with op.batch_alter_table("metric_value") as batch:
        batch.create_index("ix_metric_value_entity_month", ["level", "entity_id", "effective_date"])


def downgrade() -> None:
    with op.batch_alter_table("metric_value") as batch:
        batch.drop_index("ix_metric_value_entity_month")
