"""release bounds: the bounds and roll-up each cohort's private release was drawn with

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 03:50:00

Until this revision a release's accuracy, and the rank a key that is not internal is given,
were read off the metric's definition of the day, which a definitions load can change or drop
after the month was published. From now on publish stores them with the release.

Releases published before record nothing, so they are given the bounds and roll-up their
metric declares when this migration runs, which is what the server ranked them with until
then (an upgrade changes no answer), and only where the release agrees with them: every
released percentile lies within the bounds (a release is clamped to the bounds it was drawn
with), a mean roll-up too, a sum roll-up within the cohort size times them, and a roll-up was
released exactly when the aggregation releases one (never for min and max). A release that
disagrees, or whose metric declares no bounds today, keeps them unknown: its figures are
still served, but not its accuracy nor a rank read off it (RELEASE_BOUNDS_UNKNOWN).
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEVER_RELEASED = frozenset({"min", "max"})
# Released percentiles are rounded to 2 decimals after the clamp: within the bounds rounded.
_ROUNDING = Decimal("0.005")

_RELEASES = sa.text(
    "SELECT c.industry_id, c.metric_name, c.month, c.cohort_size, c.private_p25, "
    "c.private_p50, c.private_p75, c.private_p90, c.private_rollup, d.aggregation, "
    "d.lower_bound, d.upper_bound "
    "FROM cohort c JOIN metric_definition d ON d.name = c.metric_name "
    "WHERE c.release_epsilon IS NOT NULL AND c.private_p50 IS NOT NULL"
).columns(
    sa.column("industry_id", sa.String()),
    sa.column("metric_name", sa.String()),
    sa.column("month", sa.Date()),
    sa.column("cohort_size", sa.Integer()),
    sa.column("private_p25", sa.Float()),
    sa.column("private_p50", sa.Float()),
    sa.column("private_p75", sa.Float()),
    sa.column("private_p90", sa.Float()),
    sa.column("private_rollup", ExactDecimal()),
    sa.column("aggregation", sa.String()),
    sa.column("lower_bound", ExactDecimal()),
    sa.column("upper_bound", ExactDecimal()),
)

_RECORD = sa.text(
    "UPDATE cohort SET release_lower_bound = :lower, release_upper_bound = :upper, "
    "release_aggregation = :aggregation "
    "WHERE industry_id = :industry_id AND metric_name = :metric_name AND month = :month"
).bindparams(
    sa.bindparam("lower", type_=ExactDecimal()),
    sa.bindparam("upper", type_=ExactDecimal()),
    sa.bindparam("month", type_=sa.Date()),
)


def _agrees(row: Any) -> bool:
    """Whether the release could have been drawn within the bounds declared today."""
    lower, upper = row.lower_bound, row.upper_bound
    if lower is None or upper is None or not lower < upper:
        return False
    quantiles = (row.private_p25, row.private_p50, row.private_p75, row.private_p90)
    if any(q is None for q in quantiles):
        return False
    if not all(lower - _ROUNDING <= Decimal(repr(q)) <= upper + _ROUNDING for q in quantiles):
        return False
    roll_up = row.private_rollup
    if roll_up is None:
        return True
    if row.aggregation == "sum":
        return bool(lower * row.cohort_size <= roll_up <= upper * row.cohort_size)
    return bool(lower <= roll_up <= upper)


def _aggregation_agrees(row: Any) -> bool:
    """Whether the release has a roll-up exactly when today's aggregation releases one."""
    return (row.private_rollup is None) == (row.aggregation in _NEVER_RELEASED)


def upgrade() -> None:
    with op.batch_alter_table("cohort") as batch:
        batch.add_column(sa.Column("release_lower_bound", ExactDecimal(), nullable=True))
        batch.add_column(sa.Column("release_upper_bound", ExactDecimal(), nullable=True))
        batch.add_column(sa.Column("release_aggregation", sa.String(), nullable=True))
    connection = op.get_bind()
    updates = []
    for row in connection.execute(_RELEASES):
        bounds = _agrees(row)
        aggregation = _aggregation_agrees(row)
        if not bounds and not aggregation:
            continue
        updates.append(
            {
                "industry_id": row.industry_id,
                "metric_name": row.metric_name,
                "month": row.month,
                "lower": row.lower_bound if bounds else None,
                "upper": row.upper_bound if bounds else None,
                "aggregation": row.aggregation if aggregation else None,
            }
        )
    if updates:
        connection.execute(_RECORD, updates)


def downgrade() -> None:
    with op.batch_alter_table("cohort") as batch:
        batch.drop_column("release_aggregation")
        batch.drop_column("release_upper_bound")
        batch.drop_column("release_lower_bound")
