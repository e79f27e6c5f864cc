"""A ledger load's entry as kept from its file, one record per entry.

What is known of an entry beside its key (its voucher's own number where its reference is a
bill, its voucher type, whether its reference is a bill) is a field of the entry's record, not
a list of its own kept in step with the entries: an entry cut (a document's item rows counted
once), inserted (the opening balance) or re-keyed (its bill named, another export's voucher
matched) carries all of it along, so no list can fall out of step with another (before, a cut
that missed one list failed every such load).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from analytics.credit import EntryKind

# customer, date, kind, reference: the key an entry's voucher type and date reading are kept by
TypedKey = tuple[str, dt.date, EntryKind, str]


@dataclass(frozen=True, slots=True)
class KeptEntry:
    """One entry of a ledger file: customer, date, kind, reference ("" none), amount (in the
    base currency) and due date, and what the load knows of its voucher."""

    customer: str
    day: dt.date
    kind: EntryKind
    reference: str
    amount: Decimal
    due: dt.date | None = None
    # The voucher's own number where `reference` is the bill it names (a receipt under the
    # invoice it settles), else None: `ledger_vouchers` takes another export of the voucher,
    # naming no bill, for the same entry.
    number: str | None = None
    # Its own voucher type as the file names it (None unknown): a Day Book's `Sales 7` and
    # `Export Sales 7` of one customer and day share a key, and each keeps its own type.
    voucher_type: str | None = None
    # Whether `reference` is a bill (a bill column, or its bill-wise details named one), its
    # own number known or not.
    billed: bool = False
    # Whether `reference` is stored as a bill it names (`ledger_entry.reference_is_bill`): a
    # bill as above, a payment's number in a column of invoices' numbers, and a sale's payment
    # on the spot, which settles that sale.
    names_bill: bool = False

    @property
    def key(self) -> TypedKey:
        """Customer, date, kind and reference."""
        return (self.customer, self.day, self.kind, self.reference)
