"""ledger_entry: the entry's own voucher number, where its reference is the bill it names

A receipt of Tally's ledger with bill-wise details (`Agst Ref  KD/25-26/001`, or a `Ref`
column) is stored under the bill it settles, so that it settles that invoice first; the same
receipt in a Day Book, which names no bill, comes under its own number (`Receipt 1`). Without
the voucher's own number kept beside the bill, the two exports of one receipt were two stored
payments, and the customer's outstanding fell by it twice. A load now takes an entry of a
stored voucher number for that entry (`store.ingest.kinds.ledger_vouchers`).

Entries stored before this revision have none (NULL): a later load of their bill-wise file
records it.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ledger_entry", sa.Column("voucher_number", sa.String(), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by copying the table: batch mode does that, keeping every row.
    with op.batch_alter_table("ledger_entry") as batch:
        batch.drop_column("voucher_number")
