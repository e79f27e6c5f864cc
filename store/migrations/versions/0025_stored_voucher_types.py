"""sale_line and ledger_entry: stored voucher types by their whole names, and none where an
earlier release took a Zoho discount's type for one

Tally ERP 9's Day Book exported as text writes its predefined voucher types abbreviated
(`Sale`, `Rcpt`, `Ctra`...), its registers and ledgers write them whole (`Sales`, `Receipt`).
Types were stored as written (lower case), so the Day Book's `Sale 1` and the ledger's
`Sales 1` of one day were two types numbered apart, and whichever file came second was
refused. A type is now stored by its whole name (`analytics.export_voucher_types.type_name`);
this revision renames the abbreviations stored before it, so that a Day Book loaded again, or a
register or ledger of its period, meets its own vouchers. The mapping is written out here, as
the release that wrote them knew it.

Zoho Books' invoice export has a `Discount Type` column (`entity_level`, `item_level`), which
earlier releases took for the voucher type: its lines were stored as of type `entity level` or
`item level`, and a reload of the same export (now typed `invoice` by its `Invoice Number` and
`Invoice Status`) was refused as another voucher numbered apart. Those types say nothing of the
voucher: they are cleared (NULL, a line of no known type, matched by customer and number as
before types were kept), and the next load of the export writes its type.

Downgrading keeps both: 0024's loads read whole names as its registers wrote them, and lines
without a type as untyped.

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


# Zoho's `Discount Type` values, as type_name stored them.
_DISCOUNT_TYPES = ("entity level", "item level")


def upgrade() -> None:
    for table in _TABLES:
        statement = sa.text(f"UPDATE {table} SET voucher_type = :whole WHERE voucher_type = :short")
        for short, whole in _WHOLE_NAMES.items():
            op.execute(statement.bindparams(short=short, whole=whole))
        cleared = sa.text(f"UPDATE {table} SET voucher_type = NULL WHERE voucher_type = :kind")
        for kind in _DISCOUNT_TYPES:
            op.execute(cleared.bindparams(kind=kind))


def downgrade() -> None:
    pass
