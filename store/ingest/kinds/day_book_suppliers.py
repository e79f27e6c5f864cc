"""The suppliers of a Day Book: its parties named on purchase vouchers.

A Day Book lists every voucher of its period, the purchases with the sales, each line under
its party: a supplier's `Purchase` (Tally's `Purc`) on the credit side, the `Payment` made to
it (`Pymt`) on the debit side, a `Debit Note` for goods sent back. Read as a receivables
ledger those lines would make the supplier a customer who paid in advance and was then
invoiced the payment. So a party named on a purchase voucher and on none of a customer's
(a sale, a credit note, a receipt) is a supplier: all its lines are skipped and counted. A
party on both (a customer who also sells to us) keeps its customer's lines; its purchases
are skipped and counted, never taken for its payments."""

from __future__ import annotations

from analytics.counts import counted
from analytics.export_voucher_types import is_customer_business, is_purchase
from store.ingest.report import short_list


class DayBookSuppliers:
    """Observes a Day Book's parties and types over the whole file, then says which lines
    are a supplier's."""

    def __init__(self) -> None:
        self._buys: set[str] = set()
        self._sells: set[str] = set()
        # Lines skipped: of suppliers, by supplier; purchases of parties that also buy.
        self._supplier_lines: dict[str, int] = {}
        self._purchase_lines = 0

    def observe(self, party: str | None, voucher_type: str | None) -> None:
        if party is None or voucher_type is None:
            return
        if is_purchase(voucher_type):
            self._sells.add(party)
        elif is_customer_business(voucher_type):
            self._buys.add(party)

    def skips(self, party: str, voucher_type: str | None) -> bool:
        """Whether a line is a supplier's (a party on purchase vouchers only), or a purchase
        of a party that is a customer too. Counted when so."""
        if party not in self._sells:
            return False
        if party not in self._buys:
            self._supplier_lines[party] = self._supplier_lines.get(party, 0) + 1
            return True
        if voucher_type is not None and is_purchase(voucher_type):
            self._purchase_lines += 1
            return True
        return False

    def notes(self) -> list[str]:
        notes = []
        if self._supplier_lines:
            lines = sum(self._supplier_lines.values())
            named = short_list(list(self._supplier_lines), "suppliers", "suppliers")
            notes.append(
                f"A Day Book: skipped {counted(lines, 'line', 'lines')} of "
                f"{counted(len(self._supplier_lines), 'supplier', 'suppliers')}, parties "
                f"named on purchase vouchers and on no sale, credit note or receipt: not "
                f"customers ({named})"
            )
        if self._purchase_lines:
            purchases = counted(self._purchase_lines, "purchase voucher", "purchase vouchers")
            notes.append(
                f"A Day Book: skipped {purchases} of parties that are customers too (what we "
                f"bought from them is not what they owe)"
            )
        return notes
