"""A report's outline over several unnamed first columns, as QuickBooks Desktop exports a
detail report: each level of its groups in a column of its own, a customer's heading in the
first, its jobs' (sub-customers') headings and totals in the second, the transaction lines'
own cells further right:

    ,,Type,Date,Num,Memo,Name,Item,Qty,Sales Price,Amount,Balance
    "Abercrombie, Kristy",,,,,,,,,,,
    ,Family Room,,,,,,,,,,
    ,,Invoice,01/05/2025,1001,Custom Design,"Abercrombie, Kristy:Family Room",...
    ,Total Family Room,,,,,,,,,300.00,300.00
    "Total Abercrombie, Kristy",,,,,,,,,,300.00,300.00

(QuickBooks Online writes every level in the first column.) A line's label is the first of
those cells that holds text, read as the first column's alone is
(`store.ingest.kinds.export_plan.row_label`, `store.ingest.kinds.group_headings`): the
headings and totals of the inner levels are then no entries, as the outer ones are not."""

from __future__ import annotations

from collections.abc import MutableMapping

# Rows carry the unnamed columns after the first (whose key is ROW_LABEL) under these keys,
# followed by the column's index; `fold_outline` folds them into the row's label.
OUTLINE = "_outline_"


def outline_key(index: int) -> str:
    """The key a row carries the unnamed column `index` (1 and on) under."""
    return f"{OUTLINE}{index}"


def fold_outline(row: MutableMapping[str, str | None], label_key: str) -> None:
    """Makes a row's label (under `label_key`) the first of its outline cells that holds text,
    dropping the other cells' keys, in place."""
    label = row.get(label_key)
    for key in [key for key in row if key.startswith(OUTLINE)]:
        value = row.pop(key)
        if label is None and value is not None:
            label = value
    row[label_key] = label
