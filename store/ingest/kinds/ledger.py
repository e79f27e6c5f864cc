"""ledger: a customer, a date, an amount and whether it is an invoice or a payment; optionally
a due date and an invoice number (which a payment may name to settle that invoice).

Invoice or payment comes from a kind column (`Sales`, `Receipt`, `Credit Note`...), or from
the amount's side: a debit (`Dr`, or a Debit column) is an invoice, a credit a payment. When
both are given they must agree. Amounts are positive: the kind gives the direction.

An entry is stored under its customer, date, kind, invoice number and its place among the
file's entries with the same four, so loading a file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from analytics.credit import EntryKind
from analytics.export_amounts import Side
from analytics.export_columns import LEDGER_ROLES
from analytics.export_kinds import BadKind, entry_kind
from settings import SegmentOptions
from store.ingest.errors import FileRejected, RowProblem
from store.ingest.kinds.base import table
from store.ingest.kinds.export_lines import ExportLines, export_loader
from store.ingest.kinds.exports import Customers, Occurrences
from store.ingest.plan import CompareBy, TableWrite, Values, WritePlan
from store.ingest.reading import Row

_COLUMNS = ("account_id", "entry_date", "kind", "reference", "line", "amount", "due_date")
_KIND_OF_SIDE = {Side.DEBIT: EntryKind.INVOICE, Side.CREDIT: EntryKind.PAYMENT}
_HOW_TO_TELL = (
    "give the file a kind column (invoice/payment), write Dr or Cr after the amounts, "
    "or use Debit and Credit columns"
)
_NO_DIRECTION = f"cannot tell whether it is an invoice or a payment: {_HOW_TO_TELL}"

# customer, date, kind, reference, amount, due date
_Kept = tuple[str, dt.date, EntryKind, str, Decimal, dt.date | None]


class _LedgerRows:
    def __init__(self, kept: list[_Kept]) -> None:
        self._kept = kept

    def __len__(self) -> int:
        return len(self._kept)

    def __iter__(self) -> Iterator[Values]:
        occurrences = Occurrences()
        for customer, day, kind, reference, amount, due in self._kept:
            line = occurrences.next((customer, day, kind, reference))
            yield customer, day, kind.value, reference, line, amount, due


class LedgerValidator:
    def __init__(self, *, customers: Customers, segment: SegmentOptions) -> None:
        self._lines = ExportLines(customers=customers, segment=segment)
        self._formats = self._lines.formats
        self._kept: list[_Kept] = []
        self._checked = 0
        self._without_direction = 0

    def observe(self, row: Row) -> None:
        self._formats.observe(row)

    def formats_known(self) -> None:
        self._formats.decide()

    def _kind(self, row: Row, side: Side | None, reasons: list[str]) -> EntryKind | None:
        text = row.get("kind")
        named: EntryKind | None = None
        if text is not None:
            try:
                named = entry_kind(text)
            except BadKind as exc:
                reasons.append(str(exc))
                return None
        implied = None if side is None else _KIND_OF_SIDE[side]
        if named is not None and implied is not None and named is not implied:
            reasons.append(f"kind {text!r} says {named} but the amount is a {side} ({implied})")
            return None
        kind = named or implied
        if kind is None:
            self._without_direction += 1
            reasons.append(_NO_DIRECTION)
        return kind

    def check(self, line: int, row: Row) -> list[str]:
        if self._lines.skips(row):
            return []
        self._checked += 1
        reasons: list[str] = []
        customer = row.get("customer")
        if customer is None:
            reasons.append("missing customer")
        formats = self._formats
        day = formats.date(row, "date", reasons, required=True)
        due = formats.date(row, "due_date", reasons, required=False)
        amount = formats.signed_amount(row, reasons)
        kind = None if amount is None else self._kind(row, amount.side, reasons)
        if amount is not None and amount.value < 0:
            reasons.append(
                f"amount {amount.value} is negative: write it positive, the kind says whether "
                f"it is an invoice or a payment"
            )
        if reasons or customer is None or day is None or amount is None or kind is None:
            return reasons
        customer, refused = self._lines.customer(customer, row)
        if refused is not None:
            return [refused]
        # A receipt's bill is the invoice it settles (settled first: analytics/credit.py); an
        # invoice's is the name receipts give it. Without one, the voucher's own number.
        reference = row.get("bill_ref") or row.get("invoice") or ""
        self._kept.append((customer, day, kind, reference, amount.value, due))
        return reasons

    def finish(self) -> list[RowProblem]:
        if self._checked and self._without_direction == self._checked:
            raise FileRejected(
                f"no line says whether it is an invoice or a payment: {_HOW_TO_TELL}"
            )
        return []

    def plan(self, present: frozenset[str]) -> WritePlan:
        entries = TableWrite(
            table("ledger_entry"),
            _COLUMNS,
            _LedgerRows(self._kept),
            compare=CompareBy(("account_id",), "entry_date"),
        )
        return self._lines.plan(entries, rows=len(self._kept), notes=[])


LOADER = export_loader(LedgerValidator, LEDGER_ROLES)
