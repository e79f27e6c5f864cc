"""sales and ledger

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account_key() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["account_id"], ["account.account_id"])


def upgrade() -> None:
    op.create_table(
        "sale_line",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("sale_date", sa.Date(), nullable=False),
        sa.Column("invoice", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("amount", ExactDecimal(), nullable=False),
        sa.Column("quantity", ExactDecimal(), nullable=True),
        sa.Column("cost", ExactDecimal(), nullable=True),
        sa.Column("profit", ExactDecimal(), nullable=True),
        _account_key(),
        sa.PrimaryKeyConstraint("account_id", "sale_date", "invoice", "line"),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("amount", ExactDecimal(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        _account_key(),
        sa.PrimaryKeyConstraint("account_id", "entry_date", "kind", "reference", "line"),
    )
    op.create_table(
        "quarter_segment",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("quarter", sa.String(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("revenue", ExactDecimal(), nullable=False),
        sa.Column("profit", ExactDecimal(), nullable=True),
        sa.Column("recency_days", sa.Integer(), nullable=False),
        sa.Column("monetary_is_profit", sa.Boolean(), nullable=False),
        sa.Column("frequency_cluster", sa.Integer(), nullable=False),
        sa.Column("frequency_segment", sa.String(), nullable=False),
        sa.Column("monetary_cluster", sa.Integer(), nullable=False),
        sa.Column("monetary_segment", sa.String(), nullable=False),
        _account_key(),
        sa.PrimaryKeyConstraint("account_id", "quarter"),
    )
    with op.batch_alter_table("quarter_segment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarter_segment_quarter"), ["quarter"], unique=False)

    op.create_table(
        "sales_profile",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("first_purchase", sa.Date(), nullable=False),
        sa.Column("last_purchase", sa.Date(), nullable=False),
        sa.Column("days_since_purchase", sa.Integer(), nullable=False),
        sa.Column("is_recent", sa.Boolean(), nullable=False),
        _account_key(),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "credit_risk",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(), nullable=False),
        sa.Column("invoiced", ExactDecimal(), nullable=False),
        sa.Column("outstanding", ExactDecimal(), nullable=False),
        sa.Column("days_sales_outstanding", sa.Float(), nullable=True),
        sa.Column("overdue_share", sa.Float(), nullable=True),
        sa.Column("average_days_late", sa.Float(), nullable=True),
        _account_key(),
        sa.PrimaryKeyConstraint("account_id"),
    )


def downgrade() -> None:
    op.drop_table("credit_risk")
    op.drop_table("sales_profile")
    with op.batch_alter_table("quarter_segment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarter_segment_quarter"))

    op.drop_table("quarter_segment")
    op.drop_table("ledger_entry")
    op.drop_table("sale_line")
