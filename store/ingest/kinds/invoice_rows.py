"""An invoice exported one row per item, its amount taken from a column of the whole invoice.

Zoho Books' invoice export writes one row per item and repeats the invoice's `SubTotal`,
`Total` and `Balance` on each of them. The item's own amount (`Item Total`) is taken when the
file has it (`analytics.export_columns`); when the amount comes from a column of the whole
invoice (`analytics.export_columns.INVOICE_AMOUNTS`) and every invoice's rows repeat one
amount, each invoice is one sale, counted once, its quantity the sum of the rows'. One invoice
whose rows differ says the column is each line's: then no row is merged.

A cost or profit column of merged invoices is judged the same way, once for the file: one
merged invoice whose rows' costs differ says the column is each item's, and every merged
invoice's costs are summed (two items of the same cost are two costs); a column that every
merged invoice repeats is the invoice's, counted once.

A bare `Total` is also what a register of lines gives each line: two items at one price are
two lines of one invoice repeating one amount. Under such a name, repeated amounts say the
column is the invoice's only when at least two invoices have several rows, all repeating;
one such invoice alone is kept as its lines, and the load says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Final, NamedTuple

from analytics.export_amounts import Side

# A sales line kept: customer, date, invoice, amount, side, quantity, cost, profit, and its
# voucher type ("" when not known): part of its key, as Tally numbers each type apart.
Line = tuple[
    str,
    dt.date,
    str,
    Decimal,
    Side | None,
    Decimal | None,
    Decimal | None,
    Decimal | None,
    str,
]


# Where a line keeps its cost and its profit.
_COST: Final = 6
_PROFIT: Final = 7


class OncePerInvoice(NamedTuple):
    lines: list[Line]
    # Invoices counted once, and the item rows they had.
    invoices: int
    rows: int
    # The rows of the one invoice that repeats an amount of a name also given to lines
    # (`Total`), kept as lines: too little to tell the column is the whole invoice's.
    kept_apart: int = 0


def once_per_invoice(kept: Sequence[Line], *, invoice_name: bool = True) -> OncePerInvoice:
    """`kept` with each invoice whose rows repeat one amount as one line, in file order.
    `invoice_name`: whether the amount column's name is only ever the whole invoice's
    (`SubTotal`); else (`Total`) two invoices of several rows at least must repeat theirs."""
    groups: dict[tuple[str, dt.date, str, str], list[int]] = {}
    for index, line in enumerate(kept):
        customer, day, invoice = line[:3]
        if invoice:
            # Two voucher types' lines of one number and day are two invoices.
            groups.setdefault((customer, day, invoice, line[8]), []).append(index)
    several = [indexes for indexes in groups.values() if len(indexes) > 1]
    # Decided once for the file: a column of the whole invoice repeats one amount on every
    # invoice's rows; one invoice whose rows differ says the column is the line's, and then
    # rows that happen to be equal (two items at one price) are two sales.
    if not several or any(len({kept[index][3:5] for index in indexes}) > 1 for indexes in several):
        return OncePerInvoice(list(kept), 0, 0)
    if not invoice_name and len(several) < 2:
        return OncePerInvoice(list(kept), 0, 0, kept_apart=len(several[0]))
    repeated = {indexes[0]: indexes for indexes in several}
    cost_per_item = _per_item(kept, several, _COST)
    profit_per_item = _per_item(kept, several, _PROFIT)
    dropped = {index for indexes in repeated.values() for index in indexes[1:]}
    lines: list[Line] = []
    for index, line in enumerate(kept):
        if index in dropped:
            continue
        indexes = repeated.get(index)
        if indexes is not None:
            items = [kept[other] for other in indexes]
            line = (
                *line[:5],
                _items_total([item[5] for item in items], summed=True),
                _items_total([item[_COST] for item in items], summed=cost_per_item),
                _items_total([item[_PROFIT] for item in items], summed=profit_per_item),
                line[8],
            )
        lines.append(line)
    rows = sum(len(indexes) for indexes in repeated.values())
    return OncePerInvoice(lines, len(repeated), rows)


def _per_item(kept: Sequence[Line], several: list[list[int]], column: int) -> bool:
    """Whether a column of the lines is each item's: some invoice's rows differ in it. Decided
    once for the file, as the amount is: an invoice whose items happen to cost the same is no
    proof that the column repeats the invoice's figure when another invoice's rows differ."""
    return any(len({kept[index][column] for index in indexes}) > 1 for indexes in several)


def _items_total(values: list[Decimal | None], *, summed: bool) -> Decimal | None:
    """One invoice's figure from its item rows: summed (`summed`: quantities, and a cost or a
    profit that is each item's); else the figure every row repeats, kept once. Unknown when
    any row lacks it."""
    if any(value is None for value in values):
        return None
    known = [value for value in values if value is not None]
    if not summed and len(set(known)) == 1:
        return known[0]
    return sum(known, Decimal(0))
