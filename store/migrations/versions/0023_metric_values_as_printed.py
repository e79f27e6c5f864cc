"""metric_value on SQLite: every value's text as its Decimal prints it

The small query's rows are written as JSON text by the database (store/reads/
account_metrics_json.py), which on SQLite quotes a value's stored text as it is: the standard
path prints `str(Decimal(text))`. The two agree only when the stored text is that already,
which every release writes except those from d4ac872 to 627579b: their ingest kept a value as
written when its digits matched `\\d`, of any script, so a 1 and an Arabic-Indic zero (U+0660),
which Decimal reads as 10, was stored as it was and the text answered those two characters
where the standard path answers `"10"`. The rows whose text may not be as printed (`_ODD`:
that one, and the forms a store written by hand may hold, `+5`, `.5`, `007`, `1e3`), found
by one scan in SQLite, are rewritten as their Decimal prints them. A text Decimal cannot
read is left as it is (no release wrote one). PostgreSQL keeps NUMERIC: nothing to do.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The texts that may not be as their Decimal prints them, found by SQLite alone: any character
# besides ASCII digits, a minus and a point (another script's digits, a space, an exponent of
# any form), a leading plus, point or zero, a trailing point, or six zeros after a point
# (str(Decimal) writes an exponent below 1E-6). Each is checked in Python: a printed exponent
# (1E-7) is a candidate that stays as it is.
_ODD = " OR ".join(
    f"value GLOB '{pattern}'"
    for pattern in ("*[^-0-9.]*", ".*", "-.*", "*.", "0[0-9]*", "-0[0-9]*", "*.000000*")
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    found = connection.execute(
        sa.text(
            "SELECT level, entity_id, metric_name, effective_date, value "
            f"FROM metric_value WHERE {_ODD}"
        )
    ).all()
    changed = []
    for level, entity_id, metric_name, effective_date, value in found:
        try:
            printed = str(Decimal(value))
        except InvalidOperation:
            continue
        if printed != value:
            changed.append(
                {
                    "level": level,
                    "entity_id": entity_id,
                    "metric_name": metric_name,
                    "effective_date": effective_date,
                    "value": printed,
                }
            )
    if changed:
        connection.execute(
            sa.text(
                "UPDATE metric_value SET value = :value WHERE level = :level AND "
                "entity_id = :entity_id AND metric_name = :metric_name AND "
                "effective_date = :effective_date"
            ),
            changed,
        )


def downgrade() -> None:
    # The texts written are the same numbers: nothing to undo.
    pass
