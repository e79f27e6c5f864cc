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
from analytics.export_voucher_types import payment_number_column
from store.ingest.errors import FileRejected

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
    as (key, index); for Zoho's Customer Payments export without that column, its `Payment
    Number` (to refuse a payment repeated over its invoices); none for any other file."""
    amount = assigned.get("amount")
    if amount is None:
        return []
    if normalize(columns[amount]) != _APPLIED:
        number = payment_number_column(columns)
        if number is None or normalize(columns[amount]) != normalize("amount"):
            return []
        return [(PAYMENT_NUMBER, columns.index(number))]
    used = set(assigned.values())
    pairs: list[tuple[str, int]] = []
    for index, column in enumerate(columns):
        key = _COLUMNS.get(normalize(column))
        if key is not None and index not in used and all(key != k for k, _ in pairs):
            pairs.append((key, index))
    return pairs


def applied_payments(pairs: Sequence[tuple[str, int]]) -> AppliedPayments | None:
    """What folds the rows read with `pairs`: None unless they carry a payment's columns."""
    names = {name for name, _ in pairs}
    if PAYMENT_WHOLE in names:
        return AppliedPayments(applied=True)
    if PAYMENT_NUMBER in names:
        return AppliedPayments(applied=False)
    return None


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


class AppliedPayments:
    """Folds a payment's whole and unused amounts into its rows' amounts, row by row."""

    def __init__(self, *, applied: bool) -> None:
        # Whether rows give `Amount Applied to Invoice` (else their amount is the payment's).
        self._applied = applied
        self._seen: set[str] = set()
        # The invoice of each payment number's first row, where rows give no applied amount.
        self._invoices: dict[str, str | None] = {}

    def fold(self, row: MutableMapping[str, str | None]) -> None:
        whole, unused, number = (row.pop(key, None) for key in _KEYS)
        if not self._applied:
            self._check_once(number, row.get("invoice"))
            return
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

    def _check_once(self, number: str | None, invoice: str | None) -> None:
        """Refuses a payment on rows of several invoices when the export gives no applied
        amounts: each row repeats the whole payment, which would count once per invoice."""
        if number is None:
            return
        first = self._invoices.setdefault(number, invoice)
        if first != invoice:
            raise FileRejected(
                f"payment {number} is on a row for each invoice it is set against "
                f"({first} and {invoice}), each repeating its whole Amount, so it would count "
                f"once per invoice: add the column 'Amount Applied to Invoice' to the Customer "
                f"Payments export's template in Zoho Books and export it again"
            )
