"""ingest_setting.currency: the base currency `--currency` gave an app, kept for its later loads

Apps set before this revision keep their order of dates; none has a currency (NULL: each file
decides its base currency from its own lines, as before).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ingest_setting", sa.Column("currency", sa.String(), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by copying the table: batch mode does that, keeping every row.
    with op.batch_alter_table("ingest_setting") as batch:
        batch.drop_column("currency")
