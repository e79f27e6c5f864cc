"""revision releases: what each revision of a month drew, for the privacy accountant

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 01:20:00

Every revision's membership was kept, but not what it drew: `cohort` holds the releases of the
latest revision only. From now on publish records, beside each revision's membership, the
cohort's number of private releases, the epsilon of each and the revision that drew them (this
one, or an earlier one whose draw it kept), and analytics/privacy_loss.py sums them per account.

Months published before are given what can be told from the stored rows: the latest revision's
cohorts get their release from `cohort` (its epsilon, and its number of releases from the
roll-up it was drawn with, or, where that is unknown, whether a roll-up was released at all,
which counts a median's free roll-up as a release: never less than was spent), as drawn by that
revision (whether it kept an earlier draw was not recorded: counting it again errs on the safe
side). Earlier revisions stay unrecorded (null): the accountant counts them as the whole
monthly budget for every account in any of their cohorts.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLL_UPS_WITH_A_RELEASE = ("sum", "mean")

_LATEST = sa.text(
    "SELECT c.industry_id, c.metric_name, c.month, p.revision, c.release_epsilon, "
    "c.release_aggregation, c.private_rollup IS NOT NULL AS has_roll_up "
    "FROM cohort c JOIN published_month p ON p.month = c.month"
).columns(
    sa.column("industry_id", sa.String()),
    sa.column("metric_name", sa.String()),
    sa.column("month", sa.Date()),
    sa.column("revision", sa.Integer()),
    sa.column("release_epsilon", sa.Float()),
    sa.column("release_aggregation", sa.String()),
    sa.column("has_roll_up", sa.Boolean()),
)

_RECORD = sa.text(
    "UPDATE cohort_revision SET release_count = :count, release_epsilon = :epsilon, "
    "drawn_in = :drawn_in WHERE industry_id = :industry_id AND metric_name = :metric_name "
    "AND month = :month AND revision = :revision"
).bindparams(sa.bindparam("month", type_=sa.Date()))


def _releases(row: sa.Row[tuple[object, ...]]) -> int:
    if row.release_epsilon is None:
        return 0
    if row.release_aggregation is not None:
        return 1 + (row.release_aggregation in _ROLL_UPS_WITH_A_RELEASE)
    return 1 + bool(row.has_roll_up)


def upgrade() -> None:
    with op.batch_alter_table("cohort_revision") as batch:
        batch.add_column(sa.Column("release_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("release_epsilon", sa.Float(), nullable=True))
        batch.add_column(sa.Column("drawn_in", sa.Integer(), nullable=True))
    connection = op.get_bind()
    updates = [
        {
            "industry_id": row.industry_id,
            "metric_name": row.metric_name,
            "month": row.month,
            "revision": row.revision,
            "count": _releases(row),
            "epsilon": row.release_epsilon,
            "drawn_in": row.revision if row.release_epsilon is not None else None,
        }
        for row in connection.execute(_LATEST)
    ]
    if updates:
        connection.execute(_RECORD, updates)


def downgrade() -> None:
    with op.batch_alter_table("cohort_revision") as batch:
        batch.drop_column("drawn_in")
        batch.drop_column("release_epsilon")
        batch.drop_column("release_count")
