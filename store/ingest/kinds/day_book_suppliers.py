"""The parties of a Day Book that are not customers: suppliers and what we pay.

A Day Book lists every voucher of its period, each line under the ledger its voucher names
first: a supplier's `Purchase` (Tally's `Purc`) on the credit side, and a `Payment` (`Pymt`)
on the debit side under the ledger paid: the supplier, or an expense (`Office Rent`,
`Salary`). Read as a receivables ledger those lines would make each of them a customer, the
payment an invoice never paid. So a party named on purchase or payment vouchers and on none of
a customer's (a sale, a credit note, a receipt) is no customer: all its lines are skipped and
counted. A party on both (a customer who also sells to us, or was refunded) keeps its
customer's lines; its purchases are skipped and counted, never taken for its payments."""

from __future__ import annotations

from analytics.counts import counted
from analytics.export_voucher_types import (
    VoucherClass,
    is_customer_business,
    is_purchase,
    voucher_class,
)
from store.ingest.report import short_list


class DayBookSuppliers:
    """Observes a Day Book's parties and types over the whole file, then says which lines
    are not a customer's."""

    def __init__(self) -> None:
        self._buys: set[str] = set()
        self._paid: set[str] = set()
        # Lines skipped: of parties paid only, by party; purchases of parties that also buy.
        self._supplier_lines: dict[str, int] = {}
        self._purchase_lines = 0

    def observe(self, party: str | None, voucher_type: str | None) -> None:
        if party is None or voucher_type is None:
            return
        if is_purchase(voucher_type) or voucher_class(voucher_type) is VoucherClass.PAYMENT:
            self._paid.add(party)
        elif is_customer_business(voucher_type):
            self._buys.add(party)

    def is_supplier(self, party: str) -> bool:
        """Whether the party is named on purchase or payment vouchers only: no customer."""
        return party in self._paid and party not in self._buys

    def skips(self, party: str, voucher_type: str | None) -> bool:
        """Whether a line is of a party only bought from or paid, or a purchase of a party
        that is a customer too. Counted when so."""
        if party not in self._paid:
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
            named = short_list(list(self._supplier_lines), "parties", "parties")
            notes.append(
                f"A Day Book: skipped {counted(lines, 'line', 'lines')} of "
                f"{counted(len(self._supplier_lines), 'party', 'parties')} named on purchase "
                f"or payment vouchers and on no sale, credit note or receipt: suppliers and "
                f"expenses paid, not customers ({named})"
            )
        if self._purchase_lines:
            purchases = counted(self._purchase_lines, "purchase voucher", "purchase vouchers")
            notes.append(
                f"A Day Book: skipped {purchases} of parties that are customers too (what we "
                f"bought from them is not what they owe)"
            )
        return notes
