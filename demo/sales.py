"""The demo's sales and ledger: what each demo account bought, month by month while it was a
customer, and how it paid.

Each account draws from its own generator (seeded by the demo seed and its id), so its lines
depend only on itself. Accounts differ the way real customer bases do: order frequency and
order value grow with size and vary a lot (a few large buyers, many small ones), margins vary
by account, and payment habits range from paying early to paying months late, with a few
accounts that stop paying altogether (their last invoices stay open).

Sale lines carry invoice numbers (an invoice has one to three lines), quantities and costs;
every invoice is also a ledger invoice due 30, 45 or 60 days later, settled by a payment that
names it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from analytics.credit import EntryKind
from demo.calendar import MonthWindow, month_start
from demo.entities import DemoAccount
from demo.metrics import exact

Row = dict[str, Any]

_TERMS_DAYS = (30, 30, 45, 60)
# (share of accounts, days paid after the due date: low, high, chance an invoice stays unpaid)
_PAYMENT_HABITS = (
    (0.55, -12, 0, 0.0),  # pays on time, often early
    (0.25, 0, 25, 0.0),  # pays a little late
    (0.12, 15, 75, 0.02),  # pays late
    (0.08, 40, 140, 0.15),  # pays very late and leaves invoices open
)


@dataclass(frozen=True, slots=True)
class DemoSales:
    """Rows of `sale_line` and `ledger_entry`, in account order."""

    sale_lines: tuple[Row, ...]
    ledger_entries: tuple[Row, ...]


def _active_months(account: DemoAccount, window: MonthWindow) -> list[int]:
    return [
        month
        for month in range(window.first, window.last + 1)
        if any(
            contract.is_active(month)
            for company in account.companies
            for contract in company.contracts
        )
    ]


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: exact for the small means of monthly orders.
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _days_in_month(month: int) -> int:
    return (month_start(month + 1) - month_start(month)).days


class _AccountSales:
    """One account's invoices: their lines, the ledger invoice and the payment."""

    def __init__(self, account: DemoAccount, window: MonthWindow, seed: str) -> None:
        self.account = account
        self.window = window
        self.rng = random.Random(f"{seed}:sales:{account.account_id}")
        rng = self.rng
        # Larger accounts order more often and more at a time; both vary widely.
        scale = math.log10(max(account.size, 2.0))
        self.orders_per_month = min(0.25 + 0.35 * scale * rng.lognormvariate(0, 0.5), 6.0)
        self.order_value = 80 * account.size**0.6 * rng.lognormvariate(0, 0.6)
        self.margin = rng.uniform(0.12, 0.45)
        self.unit_price = rng.choice((19.0, 49.0, 99.0, 249.0))
        self.terms = rng.choice(_TERMS_DAYS)
        _share, early, late, unpaid = rng.choices(
            _PAYMENT_HABITS, weights=[habit[0] for habit in _PAYMENT_HABITS]
        )[0]
        self.delay = (early, late)
        self.unpaid = unpaid
        # Some of the worst payers stop paying for good, some months before the end.
        self.stops_paying: dt.date | None = None
        if unpaid and rng.random() < 0.5:
            self.stops_paying = month_start(window.last - rng.randint(1, 6))
        self.invoices = 0

    def month_rows(self, month: int) -> Iterator[tuple[str, Row]]:
        rng = self.rng
        for _order in range(_poisson(rng, self.orders_per_month)):
            self.invoices += 1
            invoice = f"{self.account.account_id}-{self.invoices:04d}"
            day = month_start(month) + dt.timedelta(days=rng.randrange(_days_in_month(month)))
            total = Decimal(0)
            for line in range(1, rng.choice((1, 1, 2, 3)) + 1):
                amount = exact(self.order_value * rng.lognormvariate(0, 0.35) / 1.5, 2)
                cost = exact(float(amount) * (1 - self.margin) * rng.uniform(0.9, 1.1), 2)
                quantity = max(1, round(float(amount) / self.unit_price))
                total += amount
                yield (
                    "sale",
                    {
                        "account_id": self.account.account_id,
                        "sale_date": day,
                        "invoice": invoice,
                        "line": line,
                        "amount": amount,
                        "quantity": Decimal(quantity),
                        "cost": cost,
                        "profit": amount - cost,
                        # No voucher type known, part of the key as the book is
                        # (store.ingest.kinds.voucher_keys).
                        "voucher_type": "",
                        # One book, of no company named (store.ingest.kinds.ledger_books).
                        "book": "",
                    },
                )
            due = day + dt.timedelta(days=self.terms)
            yield "ledger", self._entry(day, EntryKind.INVOICE, invoice, total, due)
            paid_on = self._payment_date(day, due)
            if paid_on is not None:
                yield "ledger", self._entry(paid_on, EntryKind.PAYMENT, invoice, total, None)

    def _payment_date(self, day: dt.date, due: dt.date) -> dt.date | None:
        rng = self.rng
        paid_on = max(due + dt.timedelta(days=rng.randint(*self.delay)), day)
        stopped = self.stops_paying is not None and paid_on >= self.stops_paying
        if stopped or rng.random() < self.unpaid or paid_on > month_start(self.window.current):
            return None
        return paid_on

    def _entry(
        self, day: dt.date, kind: EntryKind, invoice: str, amount: Decimal, due: dt.date | None
    ) -> Row:
        return {
            "account_id": self.account.account_id,
            "entry_date": day,
            "kind": kind.value,
            "reference": invoice,
            "line": 1,
            "amount": amount,
            "due_date": due,
            # No voucher type known, part of the key as a sale line's (revision 0029).
            "voucher_type": "",
            # One book, of no company named (store.ingest.kinds.ledger_books).
            "book": "",
            # A payment names the invoice it pays; an invoice's reference is its own number.
            "reference_is_bill": kind is EntryKind.PAYMENT,
        }


def generate_sales(
    accounts: tuple[DemoAccount, ...], window: MonthWindow, *, seed: str
) -> DemoSales:
    """Every account's sale lines and ledger entries over the months it was a customer."""
    sale_lines: list[Row] = []
    ledger_entries: list[Row] = []
    for account in accounts:
        sales = _AccountSales(account, window, seed)
        for month in _active_months(account, window):
            for table, row in sales.month_rows(month):
                (sale_lines if table == "sale" else ledger_entries).append(row)
    return DemoSales(sale_lines=tuple(sale_lines), ledger_entries=tuple(ledger_entries))
