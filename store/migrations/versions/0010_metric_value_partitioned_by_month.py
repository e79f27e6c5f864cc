"""metric_value partitioned by month on PostgreSQL (SQLite unchanged)

A load of new months fills tables of their own, indexes them once and attaches them as
partitions: the foreign key and the month are then checked by one query each, where a row
copied into one indexed table paid a trigger and three index insertions. One partition per
month that holds values, named metric_value_yYYYYmMM, and a default one for rows written
outside a metric load (the demo, direct upserts).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 21:55:00
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "level, entity_id, metric_name, effective_date"
_COLUMNS = f"{_KEY}, value"


def _create_metric_value(partitioned: bool) -> None:
    """metric_value as revision 0009 left it, partitioned by month or not."""
    options: dict[str, Any] = (
        {"postgresql_partition_by": "RANGE (effective_date)"} if partitioned else {}
    )
    op.create_table(
        "metric_value",
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("metric_name", sa.String(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("value", ExactDecimal(), nullable=False),
        # Named as PostgreSQL named them in revision 0001: left to choose, it would pick
        # another name while the set-aside table's partitions still hold these.
        sa.ForeignKeyConstraint(
            ["metric_name"], ["metric_definition.name"], name="metric_value_metric_name_fkey"
        ),
        sa.PrimaryKeyConstraint(
            "level", "entity_id", "metric_name", "effective_date", name="metric_value_pkey"
        ),
        **options,
    )
    op.create_index("ix_metric_value_month_level", "metric_value", ["effective_date", "level"])
    op.create_index(
        "ix_metric_value_entity_month", "metric_value", ["level", "entity_id", "effective_date"]
    )


def _set_aside(name: str) -> None:
    """Rename metric_value and its constraints and indexes out of the way of the new one."""
    op.execute(f"ALTER TABLE metric_value RENAME TO {name}")
    op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT metric_value_pkey TO {name}_pkey")
    op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT metric_value_metric_name_fkey TO {name}_fkey")
    op.execute(f"ALTER INDEX ix_metric_value_month_level RENAME TO {name}_month_level")
    op.execute(f"ALTER INDEX ix_metric_value_entity_month RENAME TO {name}_entity_month")


def _partition_name(month: dt.date) -> str:
    # As store.tables.metric_partition_name, frozen here with the revision.
    return f"metric_value_y{month.year:04d}m{month.month:02d}"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside("metric_value_unpartitioned")
    _create_metric_value(partitioned=True)
    op.execute("CREATE TABLE metric_value_default PARTITION OF metric_value DEFAULT")
    months = op.get_bind().exec_driver_sql(
        "SELECT DISTINCT date_trunc('month', effective_date)::date "
        "FROM metric_value_unpartitioned ORDER BY 1"
    )
    # The latest months get partitions of their own, as a load would give them (at most 120
    # in one transaction: each holds locks until the commit, in a lock table of limited size);
    # older ones stay in the default partition.
    for (month,) in months.all()[-120:]:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        op.execute(
            f"CREATE TABLE {_partition_name(month)} PARTITION OF metric_value "
            f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}')"
        )
    # Once, in key order: the indexes receive their rows in order.
    op.execute(
        f"INSERT INTO metric_value ({_COLUMNS}) SELECT {_COLUMNS} "
        f"FROM metric_value_unpartitioned ORDER BY {_KEY}"
    )
    op.execute("DROP TABLE metric_value_unpartitioned")
    op.execute("ANALYZE metric_value")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside("metric_value_partitioned")
    _create_metric_value(partitioned=False)
    op.execute(
        f"INSERT INTO metric_value ({_COLUMNS}) SELECT {_COLUMNS} "
        f"FROM metric_value_partitioned ORDER BY {_KEY}"
    )
    # Its partitions go with it.
    op.execute("DROP TABLE metric_value_partitioned")
    op.execute("ANALYZE metric_value")
