"""sale_line and ledger_entry: a voucher type Tally abbreviates is stored by its whole name

Tally ERP 9's Day Book exported as text writes its predefined voucher types abbreviated
(`Sale`, `Rcpt`, `Ctra`...), its registers and ledgers write them whole (`Sales`, `Receipt`).
Types were stored as written (lower case), so the Day Book's `Sale 1` and the ledger's
`Sales 1` of one day were two types numbered apart, and whichever file came second was
refused. A type is now stored by its whole name (`analytics.export_voucher_types.type_name`);
this revision renames the abbreviations stored before it, so that a Day Book loaded again, or a
register or ledger of its period, meets its own vouchers. The mapping is written out here, as
the release that wrote them knew it. Downgrading keeps the whole names: 0024's loads read them
as its registers and ledgers wrote them.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("sale_line", "ledger_entry")
_WHOLE_NAMES = {
    "sale": "sales",
    "purc": "purchase",
    "rcpt": "receipt",
    "pymt": "payment",
    "jrnl": "journal",
    "ctra": "contra",
    "c note": "credit note",
    "d note": "debit note",
    "dely note": "delivery note",
    "rej in": "rejections in",
    "rej out": "rejections out",
    "memo": "memorandum",
    "phys stock": "physical stock",
}


def upgrade() -> None:
    for table in _TABLES:
        statement = sa.text(f"UPDATE {table} SET voucher_type = :whole WHERE voucher_type = :short")
        for short, whole in _WHOLE_NAMES.items():
            op.execute(statement.bindparams(short=short, whole=whole))


def downgrade() -> None:
    pass
