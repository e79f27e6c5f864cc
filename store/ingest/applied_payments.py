"""Zoho Books' Customer Payments export, one row per invoice a payment is set against.

Zoho writes a payment of 26,800.00 set against two invoices as two rows, each repeating the
payment's whole `Amount` and giving what settles that row's invoice in `Amount Applied to
Invoice` (16,800.00 and 10,000.00); what no invoice took yet is its `Unused Amount`, repeated
on each row too. A ledger takes each row's applied amount (`analytics.export_columns`:
`LEDGER_AMOUNT`), so the payment counts once, and folds in here what the applied amounts leave
out: a payment set against no invoice (an advance: its applied cell blank) is its whole
`Amount`, and a payment's unused part is added to its first row, where, beyond the invoice the
row names, it settles the next open invoices as any payment beyond what is owed does.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from decimal import Decimal, InvalidOperation

from analytics.export_columns import normalize

# The keys rows carry the payment's whole amount, its unused part and its number under (no
# role is named so); `AppliedPayments.fold` takes them out.
PAYMENT_WHOLE = "_payment_whole"
PAYMENT_UNUSED = "_payment_unused"
PAYMENT_NUMBER = "_payment_number"
_KEYS = (PAYMENT_WHOLE, PAYMENT_UNUSED, PAYMENT_NUMBER)
_APPLIED = normalize("amount applied to invoice")
_COLUMNS = {
    normalize("amount"): PAYMENT_WHOLE,
    normalize("unused amount"): PAYMENT_UNUSED,
    normalize("payment number"): PAYMENT_NUMBER,
}


def applied_payment_columns(
    columns: Sequence[str], assigned: dict[str, int]
) -> list[tuple[str, int]]:
    """The columns a ledger whose amount is Zoho's `Amount Applied to Invoice` also reads,
    as (key, index); none for any other file."""
    amount = assigned.get("amount")
    if amount is None or normalize(columns[amount]) != _APPLIED:
        return []
    used = set(assigned.values())
    pairs: list[tuple[str, int]] = []
    for index, column in enumerate(columns):
        key = _COLUMNS.get(normalize(column))
        if key is not None and index not in used and all(key != k for k, _ in pairs):
            pairs.append((key, index))
    return pairs


def is_applied_payments(pairs: Sequence[tuple[str, int]]) -> bool:
    return any(name == PAYMENT_WHOLE for name, _ in pairs)


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


class AppliedPayments:
    """Folds a payment's whole and unused amounts into its rows' amounts, row by row."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def fold(self, row: MutableMapping[str, str | None]) -> None:
        whole, unused, number = (row.pop(key, None) for key in _KEYS)
        first = number is None or number not in self._seen
        if number is not None:
            self._seen.add(number)
        if row.get("amount") is None:
            # Set against no invoice: the payment is its whole amount, once.
            if first and whole is not None and not row.get("invoice"):
                row["amount"] = whole
            return
        extra = _decimal(unused)
        applied = _decimal(row["amount"])
        if first and extra is not None and extra > 0 and applied is not None:
            row["amount"] = str(applied + extra)
