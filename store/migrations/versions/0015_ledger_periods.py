"""ledger periods: the end of the period each ledger export's title states, per account in it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 02:00:00

An account key's credit risk was measured on the account's own latest ledger entry (the app's
latest ledger date is another customer's entry date): an unpaid last invoice never fell due
and a debt long overdue aged no further. It is now measured on the end of the period of the
latest ledger export with the account's entries (`1-Apr-25 to 30-Sep-25`: a fact about the
export), or on today without one. Loads before this revision recorded no period: their
accounts are measured on today until a titled export of them is loaded again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_period",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.account_id"]),
        sa.PrimaryKeyConstraint("account_id", "period_end"),
    )


def downgrade() -> None:
    op.drop_table("ledger_period")
