"""entities and metrics

Revision ID: 0001
Revises:
Create Date: 2026-11-23 00:19:15.494191
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.tables import ExactDecimal

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "app", sa.Column("app_id", sa.String(), nullable=False), sa.PrimaryKeyConstraint("app_id")
    )
    op.create_table(
        "industry",
        sa.Column("industry_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("industry_id"),
    )
    op.create_table(
        "metric_definition",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("aggregation", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "account",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("app_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("industry_id", sa.String(), nullable=True),
        sa.Column("is_key_account", sa.Boolean(), nullable=False),
        sa.Column("n_employees", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["app_id"],
            ["app.app_id"],
        ),
        sa.ForeignKeyConstraint(
            ["industry_id"],
            ["industry.industry_id"],
        ),
        sa.PrimaryKeyConstraint("account_id"),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_industry_id"), ["industry_id"], unique=False)

    op.create_table(
        "metric_value",
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("metric_name", sa.String(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("value", ExactDecimal(), nullable=False),
        sa.ForeignKeyConstraint(
            ["metric_name"],
            ["metric_definition.name"],
        ),
        sa.PrimaryKeyConstraint("level", "entity_id", "metric_name", "effective_date"),
    )
    with op.batch_alter_table("metric_value", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metric_value_metric_month", ["metric_name", "effective_date"], unique=False
        )

    op.create_table(
        "company",
        sa.Column("company_id", sa.String(), nullable=False),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("industry_id", sa.String(), nullable=True),
        sa.Column("n_employees", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.account_id"],
        ),
        sa.ForeignKeyConstraint(
            ["industry_id"],
            ["industry.industry_id"],
        ),
        sa.PrimaryKeyConstraint("company_id"),
    )
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_company_account_id"), ["account_id"], unique=False)

    op.create_table(
        "contract",
        sa.Column("contract_id", sa.String(), nullable=False),
        sa.Column("company_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.company_id"],
        ),
        sa.PrimaryKeyConstraint("contract_id"),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_company_id"), ["company_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_company_id"))

    op.drop_table("contract")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_account_id"))

    op.drop_table("company")
    with op.batch_alter_table("metric_value", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_value_metric_month")

    op.drop_table("metric_value")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_industry_id"))
        batch_op.drop_index(batch_op.f("ix_account_app_id"))

    op.drop_table("account")
    op.drop_table("metric_definition")
    op.drop_table("industry")
    op.drop_table("app")
