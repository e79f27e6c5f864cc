"""month_past_epsilon: the epsilon an operator declares for a month's unrecorded revisions

Revisions published before migration 0013 recorded no epsilon, and the budget they were drawn
with is stored nowhere: counting them at today's epsilon under-counts one drawn at a larger
one. From now on such a month takes no new draw until the operator declares the epsilon they
were drawn at (`profiling publish --month M --declare-past-epsilon E`, never below today's),
kept here, one row per month; the accountant counts each unrecorded revision at it.

Nothing stored before tells that epsilon, so the upgrade creates the table empty (every month
with unrecorded revisions is undeclared: refused until declared, the safe side). The downgrade
drops it: the older code counts those revisions its own way and has nowhere to keep it.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "month_past_epsilon",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )


def downgrade() -> None:
    op.drop_table("month_past_epsilon")
