"""What a voucher type says of a sales export's line (Tally's `Vch Type`, `Voucher Type`,
`Document Type`): a sale, a return, or no sale at all.

A Day Book or a ledger loaded as sales holds receipts and payments beside the sales: they are
money received, not goods sold, and counting them as returns would lower revenue. A credit
note is a return even when its amount carries no side. Voucher types are often the user's own
(`GST Sales`, `Export Sales`, `Sales Return - Damaged`), so a type is read by its words, and a
type that names none of these words stays a sale, as a line without a type is.
"""

from __future__ import annotations

from enum import StrEnum

from analytics.export_columns import words


class VoucherType(StrEnum):
    SALE = "sale"
    RETURN = "return"
    OTHER = "not a sale"


# Checked in this order: a `Purchase Return` is a purchase, not a sales return.
_PHRASES = (
    (
        VoucherType.OTHER,
        (
            *("purchase", "purchases", "receipt", "receipts", "rcpt", "payment", "payments"),
            *("journal", "contra", "debit note", "memorandum", "order", "quotation"),
            *("delivery note", "receipt note", "rejection", "rejections", "physical stock"),
            *("stock", "attendance", "payroll", "reversing"),
        ),
    ),
    (
        VoucherType.RETURN,
        ("credit note", "return", "returns", "cn", "credit memo", "sales return"),
    ),
)


def voucher_type(text: str) -> VoucherType:
    """The class of a voucher type as an export names it."""
    written = f" {' '.join(words(text))} "
    for kind, phrases in _PHRASES:
        if any(f" {phrase} " in written for phrase in phrases):
            return kind
    return VoucherType.SALE
