"""sales periods: the end of the period each sales export's title states, per app

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 21:00:00

A quarter was marked "so far" when it ended after the app's latest sale, even when the sales
file's title said it covered the whole quarter (`1-Apr-24 to 30-Jun-24`, its last sale on 3
June). The app's sales are now known up to the latest such period end (SalesProfile's
salesKnownTo). Loads before this revision recorded no period: their apps are known up to their
latest sale, as before, until a titled export is loaded again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sales_period",
        sa.Column("app_id", sa.String(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.app_id"]),
        sa.PrimaryKeyConstraint("app_id", "period_end"),
    )


def downgrade() -> None:
    op.drop_table("sales_period")
