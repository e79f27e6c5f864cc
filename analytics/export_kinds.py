"""Whether a ledger line is an invoice or a payment, from its voucher type (the one
vocabulary of `analytics.export_voucher_types`) and the side of its amount.

A sale, a debit note (`Sales`, `GST Sales`, `Tax Invoice`, `Debit Note`) is an invoice; a
receipt or a credit note (`Receipt`, `Credit Note`, `Sales Return`) a payment; a journal, a
contra, a purchase or a type of the user's own goes by its side (`Dr` an invoice, `Cr` a
payment), and so does a `Payment` that is a debit (money paid to the customer: a refund). A
kind column may also hold the sides themselves (`Dr`, `Cr`, `Debit`, `Credit`). Orders,
quotations, estimates and memoranda post nothing: their lines are not entries. QuickBooks'
`Sales Receipt` is a sale paid on the spot: an invoice settled at once by a payment of its
amount; its `Refund Receipt` a return refunded on the spot: a credit, and the refund paid
out (a debit) at once.
"""

from __future__ import annotations

from analytics.credit import EntryKind
from analytics.export_amounts import Side, is_side, parse_side
from analytics.export_voucher_types import VoucherClass, voucher_class

_OF_SIDE = {Side.DEBIT: EntryKind.INVOICE, Side.CREDIT: EntryKind.PAYMENT}
_NAMED = {
    VoucherClass.SALE: EntryKind.INVOICE,
    VoucherClass.DEBIT_NOTE: EntryKind.INVOICE,
    VoucherClass.RETURN: EntryKind.PAYMENT,
    VoucherClass.RECEIPT: EntryKind.PAYMENT,
    VoucherClass.PAID_SALE: EntryKind.INVOICE,
    VoucherClass.REFUND: EntryKind.PAYMENT,
}
# The entry a voucher settled on the spot brings with it, of the same amount and reference.
_SETTLED_BY = {
    VoucherClass.PAID_SALE: EntryKind.PAYMENT,
    VoucherClass.REFUND: EntryKind.INVOICE,
}
KIND_WORDS = (
    "invoice (Sales, GST Sales, Tax Invoice, Debit Note, Dr...), payment (Receipt, Credit Note, "
    "Cr...), or a Journal with Dr or Cr after its amount"
)


class BadKind(ValueError):
    """A line whose type and side do not say, or contradict, whether it is an invoice or a
    payment."""


def kind_of_side(side: Side) -> EntryKind:
    return _OF_SIDE[side]


def is_kind_word(text: str) -> bool:
    """Whether a text is a voucher type or a side, as a kind column holds them."""
    return is_side(text) or voucher_class(text) is not VoucherClass.UNNAMED


def posts_nothing(text: str) -> bool:
    """Whether a line of this type is no ledger entry (an order, a quotation, a memorandum)."""
    return not is_side(text) and voucher_class(text) is VoucherClass.NOT_POSTED


def settled_by(text: str) -> EntryKind | None:
    """The kind of the entry that settles a line of this type on the spot (a Sales Receipt's
    payment, a Refund Receipt's refund paid), None for a type settled later, or not at all."""
    if is_side(text):
        return None
    return _SETTLED_BY.get(voucher_class(text))


def entry_kind(text: str, side: Side | None = None) -> EntryKind:
    """The kind of a ledger line whose type is `text` and whose amount is on `side` (None
    when it has none)."""
    implied = None if side is None else _OF_SIDE[side]
    if is_side(text):
        named: EntryKind | None = _OF_SIDE[parse_side(text)]
    else:
        found = voucher_class(text)
        if found is VoucherClass.NOT_POSTED:
            raise BadKind(f"kind {text!r} posts nothing to a ledger: it is no entry")
        if found is VoucherClass.PAYMENT:
            return implied or EntryKind.PAYMENT
        named = _NAMED.get(found)
    if named is None:
        if implied is None:
            raise BadKind(
                f"kind {text!r} is neither an invoice nor a payment without a side: use "
                f"{KIND_WORDS}"
            )
        return implied
    if implied is not None and named is not implied:
        raise BadKind(f"kind {text!r} says {named} but the amount is a {side} ({implied})")
    return named
