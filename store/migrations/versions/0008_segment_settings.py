"""segment settings: the options of `profiling segment` kept per app

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 20:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPTIONS = (
    "max_clusters",
    "recent_quarters",
    "payment_terms_days",
    "low_risk_from",
    "high_risk_below",
)


def upgrade() -> None:
    # One row per app that was given options; a NULL option takes the environment's setting.
    op.create_table(
        "segment_setting",
        sa.Column("app_id", sa.String(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in _OPTIONS),
        sa.ForeignKeyConstraint(["app_id"], ["app.app_id"]),
        sa.PrimaryKeyConstraint("app_id"),
    )


def downgrade() -> None:
    op.drop_table("segment_setting")
