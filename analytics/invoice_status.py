"""What an invoice's status says of its line: an invoice that was never issued (a draft, one
awaiting approval) or that was withdrawn (void, cancelled, deleted) is no sale.

Zoho Books' `Invoice Status` (Draft, Pending Approval, Sent, Overdue, Paid, Void), Xero's
(Draft, Submitted, Authorised, Paid, Voided, Deleted), QuickBooks' `Voided` and Tally's
cancelled vouchers (`(cancelled)` where the party would be, amounts blank) all say so.
"""

from __future__ import annotations

from functools import lru_cache

from analytics.export_columns import normalize

# Statuses of an invoice that is no sale, compared as `normalize` makes them.
_NOT_ISSUED = frozenset(
    normalize(status)
    for status in (
        *("void", "voided", "draft", "drafted", "cancelled", "canceled", "deleted"),
        *("pending approval", "awaiting approval", "submitted for approval", "submitted"),
        # Tally's `(cancelled)` party cell normalizes to `cancelled`, above.
        *("rejected", "declined", "not sent"),
        # German, French, Spanish.
        *("entwurf", "storniert", "storno", "annulliert", "brouillon", "annulée", "annulee"),
        *("annulé", "annule", "borrador", "anulada", "anulado", "cancelada", "cancelado"),
    )
)


@lru_cache(maxsize=1024)
def is_not_issued(status: str) -> bool:
    """Whether a status (or a Tally party cell of `(cancelled)`) says the invoice is no sale."""
    return normalize(status) in _NOT_ISSUED


# What Tally writes where a cancelled voucher's party would be (its amounts left blank).
_CANCELLED_MARKS = frozenset(("(cancelled)", "(canceled)", "(cancelled voucher)"))


def is_cancelled_voucher(party: str) -> bool:
    """Whether a line's party cell marks a cancelled voucher (Tally's `(cancelled)`)."""
    return party.strip().lower() in _CANCELLED_MARKS
