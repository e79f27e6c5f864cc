"""Detailed registers: a voucher's line (date, customer, voucher number, total) with the lines
of its items under it (item, quantity, rate, amount; no date, customer or voucher number), as
Tally's `Sales Register (Detailed)` writes them.

A line without a date, another invoice number or the voucher's customer right under a kept
line is an item of that voucher:
it takes the voucher's date, customer and invoice number, and the voucher's own line, its
total, is dropped, so that nothing counts twice. The items must add up to that total; else
the voucher's line is a bad line (so a flat file's line that lacks a date by mistake is not
taken in silently).

A Day Book's detailed voucher lists the ledgers it credits as its items: the sales ledger's
line is the sale before tax, and its tax ledgers' lines (`Output CGST @9%`, `Round Off`) are
no sale: they are not kept, but count towards the voucher's total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from analytics.export_amounts import Side
from store.ingest.errors import RowProblem


@dataclass(slots=True)
class Voucher:
    """The last kept line, and the items read under it so far."""

    line: int
    customer: str
    day: dt.date
    invoice: str
    total: Decimal
    side: Side | None
    # A return without a side: its items are kept negative, as its total was.
    returned: bool = False
    items: int = 0
    items_total: Decimal = Decimal(0)
    # The tax ledgers' lines under it (not kept), and their total.
    taxes: Decimal = Decimal(0)
    last_item_line: int = 0

    def add_item(self, line: int, amount: Decimal) -> None:
        self.items += 1
        self.items_total += amount
        self.last_item_line = line

    def add_tax(self, line: int, amount: Decimal) -> None:
        self.taxes += amount
        self.last_item_line = line

    def problem(self) -> RowProblem | None:
        """Why the voucher's items do not stand for it, if they do not."""
        if not self.items or self.items_total + self.taxes == self.total:
            return None
        lines = (
            f"line {self.line + 1}"
            if self.items == 1
            else f"lines {self.line + 1} to {self.last_item_line}"
        )
        named = f"voucher {self.invoice!r}" if self.invoice else "this line"
        return RowProblem(
            self.line,
            f"{named} totals {self.total} but the {lines} under it, read as its items "
            f"(they have no date), add up to {self.items_total + self.taxes}: a line "
            f"without a date is an item of the voucher above it",
        )
