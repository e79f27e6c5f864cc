"""party accounts per app: which party of which app each account created for a party is

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 01:20:00

Account ids are global, and a sales or ledger load gave the account it created for a party
the party's value as id: a party of another app with the same name (`Acme Traders` in the
exports of two apps) then met that account and the second app's export was refused. From now
on the account created for a party records the app and the party it was created for, one per
party of an app (a unique key), and takes the party's value as id only where no account has
that id; otherwise `app:party` (store/ingest/kinds/parties.py). A load finds its app's account
for a party by this record, never by the id alone.

Until this revision every such account had the party's value as its id and could not share
it with another app's: each row gets its account's app and its own id as the party. No id
changes (an existing database cannot hold two apps' accounts for one party value).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNIQUE = "uq_party_account_app_party"
_APP_FOREIGN_KEY = "fk_party_account_app_id_app"

_FILLED = """
UPDATE party_account
SET app_id = (
    SELECT account.app_id FROM account WHERE account.account_id = party_account.account_id
), party = account_id
"""


def upgrade() -> None:
    with op.batch_alter_table("party_account") as batch:
        batch.add_column(sa.Column("app_id", sa.String(), nullable=True))
        batch.add_column(sa.Column("party", sa.String(), nullable=True))
    op.execute(_FILLED)
    with op.batch_alter_table("party_account") as batch:
        batch.alter_column("app_id", existing_type=sa.String(), nullable=False)
        batch.alter_column("party", existing_type=sa.String(), nullable=False)
        batch.create_foreign_key(_APP_FOREIGN_KEY, "app", ["app_id"], ["app_id"])
        batch.create_unique_constraint(_UNIQUE, ["app_id", "party"])


def downgrade() -> None:
    with op.batch_alter_table("party_account") as batch:
        batch.drop_constraint(_UNIQUE, type_="unique")
        batch.drop_constraint(_APP_FOREIGN_KEY, type_="foreignkey")
        batch.drop_column("party")
        batch.drop_column("app_id")
