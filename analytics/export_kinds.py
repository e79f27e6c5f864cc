"""Whether a ledger line is an invoice or a payment, as exports write it: `Sales`, `Tax
Invoice`, `Dr` on one side; `Receipt`, `Payment`, `Credit Note`, `Cr` on the other."""

from __future__ import annotations

from analytics.credit import EntryKind
from analytics.export_columns import normalize

_WORDS = {
    EntryKind.INVOICE: (
        "invoice",
        "inv",
        "sale",
        "sales",
        "sales invoice",
        "tax invoice",
        "bill",
        "debit",
        "dr",
        "debit note",
        "charge",
    ),
    EntryKind.PAYMENT: (
        "payment",
        "receipt",
        "rcpt",
        "paid",
        "credit",
        "cr",
        "credit note",
        "collection",
        "settlement",
    ),
}
_KINDS = {normalize(word): kind for kind, words in _WORDS.items() for word in words}
KIND_WORDS = ", ".join(f"{kind} ({', '.join(words[:4])}...)" for kind, words in _WORDS.items())


class BadKind(ValueError):
    """A text that names neither an invoice nor a payment."""


def entry_kind(text: str) -> EntryKind:
    kind = _KINDS.get(normalize(text))
    if kind is None:
        raise BadKind(f"kind {text!r} is neither an invoice nor a payment: use {KIND_WORDS}")
    return kind
