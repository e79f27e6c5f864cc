"""metric_value's month index covers publish's read on PostgreSQL

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 17:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Publish reads a month's 200,000 account values at ten million values; a month's rows are
    # spread over the whole heap (1 GB read for 12 MB of values). With the rest of the row in
    # the index, the read is an index-only scan of one range once the table is vacuumed.
    # SQLite is left as it was: its month read is not what limits its publish.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_metric_value_month_level", table_name="metric_value")
    op.create_index(
        "ix_metric_value_month_level",
        "metric_value",
        ["effective_date", "level"],
        postgresql_include=["entity_id", "metric_name", "value"],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_metric_value_month_level", table_name="metric_value")
    op.create_index("ix_metric_value_month_level", "metric_value", ["effective_date", "level"])
