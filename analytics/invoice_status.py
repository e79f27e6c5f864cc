"""What an invoice's status says of its line: an invoice that was never issued (a draft, one
awaiting approval) or that was withdrawn (void, cancelled, deleted) is no sale.

Zoho Books' `Invoice Status` (Draft, Pending Approval, Sent, Overdue, Paid, Void), Xero's
(Draft, Submitted, Authorised, Paid, Voided, Deleted), QuickBooks' `Voided` and Tally's
cancelled vouchers (`(cancelled)` where the party would be, amounts blank) all say so.
"""

from __future__ import annotations

from functools import lru_cache

from analytics.export_columns import INVOICE_STATUS, normalize

# Statuses of an invoice that is no sale whatever its column, compared as `normalize` makes
# them.
_NOT_ISSUED = frozenset(
    normalize(status)
    for status in (
        *("void", "voided", "draft", "drafted", "cancelled", "canceled", "deleted"),
        *("pending approval", "awaiting approval", "submitted for approval"),
        # Tally's `(cancelled)` party cell normalizes to `cancelled`, above.
        "not sent",
        # German, French, Spanish.
        *("entwurf", "storniert", "storno", "annulliert", "brouillon", "annulée", "annulee"),
        *("annulé", "annule", "borrador", "anulada", "anulado", "cancelada", "cancelado"),
    )
)
# Statuses that are no sale only in the invoice's own status column: Xero's `Submitted`
# (for approval) and a quote's or an approval's `Declined`, `Rejected`. Elsewhere they say
# what happened to something else: a GST e-invoice status `Submitted` is an invoice issued
# and reported to the portal, an `E-Way Bill Status` of `Rejected` leaves the sale a sale.
_NOT_ISSUED_OWN = frozenset(normalize(status) for status in ("submitted", "declined", "rejected"))
# Names of a column that is the invoice's own status (`Status`, `Invoice Status`), not the
# status of something about it (`E-Invoice Status`, `IRN Status`, `Approval Status`).
_OWN_STATUS_COLUMNS = frozenset(normalize(name) for name in INVOICE_STATUS.vocabulary)


def is_own_status(column: str) -> bool:
    """Whether a status column, by its name, is the invoice's own status."""
    return normalize(column) in _OWN_STATUS_COLUMNS


@lru_cache(maxsize=1024)
def is_not_issued(status: str, *, own: bool = True) -> bool:
    """Whether a status (or a Tally party cell of `(cancelled)`) says the invoice is no sale;
    `own`: whether it is read from the invoice's own status column (`is_own_status`)."""
    normalized = normalize(status)
    return normalized in _NOT_ISSUED or (own and normalized in _NOT_ISSUED_OWN)


# What Tally writes where a cancelled voucher's party would be (its amounts left blank).
_CANCELLED_MARKS = frozenset(("(cancelled)", "(canceled)", "(cancelled voucher)"))


def is_cancelled_voucher(party: str) -> bool:
    """Whether a line's party cell marks a cancelled voucher (Tally's `(cancelled)`)."""
    return party.strip().lower() in _CANCELLED_MARKS


def is_void_memo(memo: str) -> bool:
    """Whether a line's memo says its invoice was voided: QuickBooks Desktop's `VOID:` at its
    head (the memo written before follows it), QuickBooks Online's `Voided`."""
    text = memo.strip().lower()
    return text.startswith("void:") or text in ("void", "voided")
