"""A document exported one row per item, loaded as a ledger: one entry per document.

Zoho Books exports each document type on its own file (invoices, credit notes, sales
receipts), one row per item, and repeats the document's `Total` and `Balance` on every item
row. What the customer owes is the document's `Total`, once: an invoice of three items is one
debit of its total, not three. A ledger load of such an export (typed by its number column,
`analytics.export_voucher_types.number_column_type`, its amount a column of the whole
document, `analytics.export_columns.INVOICE_AMOUNTS`) keeps one entry per document, as the
sales load counts such an invoice once (`store.ingest.kinds.invoice_rows`).

Decided once for the file, as the sales load decides: every document of several rows repeats
one amount (and one due date) on them, or the column is each line's and every row is an entry
(their sum the document's). A document's rows share its customer, date, kind and number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Repeated(Generic[Key]):
    # The indexes of the rows kept, in file order: each document's first row.
    kept: list[int]
    # The rows of each document counted once, by its key.
    repeated: dict[Key, int]


def once_per_document(
    rows: Sequence[tuple[Key | None, Decimal, dt.date | None]],
) -> Repeated[Key]:
    """Which of `rows` (a document's key, its amount, its due date) to keep: the first of each
    document whose rows all repeat one amount and due date; every row when some document's
    rows differ (the column is each line's). A row without a key (no number) is its own."""
    groups: dict[Key, list[int]] = {}
    for index, (key, _amount, _due) in enumerate(rows):
        if key is not None:
            groups.setdefault(key, []).append(index)
    several = [indexes for indexes in groups.values() if len(indexes) > 1]
    if not several or any(len({rows[index][1:] for index in indexes}) > 1 for indexes in several):
        return Repeated(list(range(len(rows))), {})
    dropped = {index for indexes in several for index in indexes[1:]}
    kept = [index for index in range(len(rows)) if index not in dropped]
    repeated: dict[Key, int] = {}
    for indexes in several:
        key = rows[indexes[0]][0]
        assert key is not None
        repeated[key] = len(indexes)
    return Repeated(kept, repeated)
