"""party accounts: the accounts sales and ledger loads created for parties that matched none

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 00:10:00

Loads before this revision recorded nothing, so the accounts they created for a party name
are recognised by what such an account is: its id is its name (a party written in a name
column became both), it has no industry, no employee count, is no key account, has no
company, no account-level metric value and no API key, and holds sale lines or ledger
entries. An account loaded from an accounts file with its name as its id and nothing else is
taken for one too: it then yields to a real account of the same name, which is what a
name-only account is for.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CREATED_BY_EARLIER_LOADS = """
INSERT INTO party_account (account_id)
SELECT account.account_id FROM account
WHERE account.account_id = account.name
  AND account.industry_id IS NULL
  AND account.n_employees IS NULL
  AND NOT account.is_key_account
  AND NOT EXISTS (SELECT 1 FROM company WHERE company.account_id = account.account_id)
  AND NOT EXISTS (SELECT 1 FROM api_key WHERE api_key.account_id = account.account_id)
  AND NOT EXISTS (
    SELECT 1 FROM metric_value
    WHERE metric_value.level = 'account' AND metric_value.entity_id = account.account_id
  )
  AND (
    EXISTS (SELECT 1 FROM sale_line WHERE sale_line.account_id = account.account_id)
    OR EXISTS (SELECT 1 FROM ledger_entry WHERE ledger_entry.account_id = account.account_id)
  )
"""


def upgrade() -> None:
    op.create_table(
        "party_account",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.account_id"]),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.execute(_CREATED_BY_EARLIER_LOADS)


def downgrade() -> None:
    op.drop_table("party_account")
