"""An invoice exported one row per item, its amount taken from a column of the whole invoice.

Zoho Books' invoice export writes one row per item and repeats the invoice's `SubTotal`,
`Total` and `Balance` on each of them. The item's own amount (`Item Total`) is taken when the
file has it (`analytics.export_columns`); when the amount comes from a column of the whole
invoice (`analytics.export_columns.INVOICE_AMOUNTS`), the invoice's rows that repeat one
amount are one sale, counted once, its quantity the sum of the rows'. Rows of an invoice with
different amounts are not repetitions and stay as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from analytics.export_amounts import Side

# A sales line kept: customer, date, invoice, amount, side, quantity, cost, profit.
Line = tuple[
    str, dt.date, str, Decimal, Side | None, Decimal | None, Decimal | None, Decimal | None
]


class OncePerInvoice(NamedTuple):
    lines: list[Line]
    # Invoices counted once, and the item rows they had.
    invoices: int
    rows: int


def once_per_invoice(kept: Sequence[Line]) -> OncePerInvoice:
    """`kept` with each invoice whose rows repeat one amount as one line, in file order."""
    groups: dict[tuple[str, dt.date, str], list[int]] = {}
    for index, (customer, day, invoice, *_rest) in enumerate(kept):
        if invoice:
            groups.setdefault((customer, day, invoice), []).append(index)
    repeated = {
        indexes[0]: indexes
        for indexes in groups.values()
        if len(indexes) > 1 and len({kept[index][3:5] for index in indexes}) == 1
    }
    if not repeated:
        return OncePerInvoice(list(kept), 0, 0)
    dropped = {index for indexes in repeated.values() for index in indexes[1:]}
    lines: list[Line] = []
    for index, line in enumerate(kept):
        if index in dropped:
            continue
        indexes = repeated.get(index)
        if indexes is not None:
            quantities = [kept[other][5] for other in indexes]
            quantity = (
                None
                if any(value is None for value in quantities)
                else sum((value for value in quantities if value is not None), Decimal(0))
            )
            line = (*line[:5], quantity, line[6], line[7])
        lines.append(line)
    rows = sum(len(indexes) for indexes in repeated.values())
    return OncePerInvoice(lines, len(repeated), rows)
