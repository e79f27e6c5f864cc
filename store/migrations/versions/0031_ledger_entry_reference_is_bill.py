"""ledger_entry.reference_is_bill: whether the entry's reference is a bill it names

Tally numbers each voucher type apart, so a Day Book holds `Sales 2` and `Receipt 2` of one
customer. A receipt naming no bill is stored under its own number (`Receipt 2`: reference
"2"), and the credit measures took that number for the invoice it settles: `Receipt 2` paid
`Sales 2` before the older `Sales 1` (four vouchers of 10,000: 30 days late on average and
half overdue, where oldest first gives 17 days and all of it overdue). A payment names an
invoice only in a bill column (Tally's bill-wise `Ref`, `Agst Ref` details) or a column of
invoice numbers (Zoho Books' Customer Payments); a voucher number column (`Vch No.`,
QuickBooks' `Num`) on a payment is the payment's own number. The column records which: true
where the reference is a bill the voucher names (a payment's the invoice it settles), false
where it is the voucher's own number or none.

Entries stored before this revision: what is certain is recorded, the rest left unknown (NULL):
- true where a voucher number is recorded beside the reference (`voucher_number`, revision
  0021, is kept only where the reference is the bill the voucher names);
- false where the reference is empty (it names nothing);
- otherwise NULL: a receipt under `2` may be a Day Book's own number or a bill column's `2`,
  and nothing stored tells them apart. The credit measures read NULL as before (a payment
  settles the invoice of its reference first), so an upgrade changes no figure; the next load
  of the entry's file records it, and a Day Book's receipts then settle oldest first.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ledger_entry", sa.Column("reference_is_bill", sa.Boolean(), nullable=True))
    entries = sa.table(
        "ledger_entry",
        sa.column("reference_is_bill", sa.Boolean()),
        sa.column("voucher_number", sa.String()),
        sa.column("reference", sa.String()),
    )
    op.execute(
        entries.update()
        .where(entries.c.voucher_number.is_not(None))
        .values(reference_is_bill=sa.true())
    )
    op.execute(
        entries.update().where(entries.c.reference == "").values(reference_is_bill=sa.false())
    )


def downgrade() -> None:
    # SQLite drops a column by copying the table: batch mode does that, keeping every row.
    with op.batch_alter_table("ledger_entry") as batch:
        batch.drop_column("reference_is_bill")
