"""Recency, frequency and monetary value of one account, quarter by quarter.

- orders: distinct invoices of the quarter's purchases, each named by its number: a number
  read within its voucher type where the line kept one (Tally numbers each type on its own:
  `Sales 7` and `Export Sales 7` are two invoices), a line stored without a type being one of
  its number's typed invoices (or the number's only one); a purchase line without an invoice
  number is an order of its own (so a file without invoice numbers counts rows).
- revenue: the sum of the quarter's amounts, exact: net of its returns.
- profit: the sum of the quarter's profits, or None unless every line of the quarter has one
  (a partial sum would pass for the whole).
- recency: days from the quarter's last purchase to the quarter's end, or to the app's latest
  sale for a quarter its sales do not reach the end of (the quarter not over yet).

A line with a negative amount is a return (a credit note, a sales return voucher): it lowers
the revenue and profit of its quarter, but it is not an order and its day is not a purchase,
so a customer who returned goods is not counted as more frequent or more recent for it. A
quarter with returns only has no purchase: it is not one of the account's quarters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import NamedTuple

from analytics.money import money
from analytics.quarters import Quarter, months_before

# Sums never round, whatever the calling thread's decimal context.
_EXACT = Context(prec=80)
_ZERO = Decimal(0)
DEFAULT_RECENT_QUARTERS = 1


# Two companies' books (a head office and its branch in Tally) number their vouchers apart:
# their `Sales 7` of one customer are two orders. A line of a named book gives its number as
# `book_number(book, number)`, so that one number of two books is two numbers here.
BOOK_SEPARATOR = "\x1f"


def book_number(book: str, number: str) -> str:
    """The number of a line of `book` ("" when not known: the number as it is) as orders
    count it; a line without a number stays without one."""
    return f"{book}{BOOK_SEPARATOR}{number}" if book and number else number


class SaleLine(NamedTuple):
    sale_date: dt.date
    # "" when the line has no invoice number; a named book's number as `book_number` gives it.
    invoice: str
    amount: Decimal
    profit: Decimal | None
    # The voucher type the line was stored with (`sales`, `export sales`); None: not known.
    voucher_type: str | None = None


@dataclass(frozen=True, slots=True)
class QuarterActivity:
    quarter: Quarter
    orders: int
    revenue: Decimal
    profit: Decimal | None
    first_purchase: dt.date
    last_purchase: dt.date

    def recency_days(self, latest_sale: dt.date | None = None) -> int:
        """Days from the quarter's last purchase to its end, or to `latest_sale` (the app's
        "now", as for days since the last purchase) when that comes first: a quarter not over
        is measured to the present of the data, not to a day still to come. Every account of
        the quarter is measured to the same day, so its clusters do not change."""
        end = self.quarter.last_day
        if latest_sale is not None and latest_sale < end:
            end = latest_sale
        return (end - self.last_purchase).days


class _Totals:
    __slots__ = (
        *("first", "invoices", "last", "lines_without_invoice", "profit", "revenue"),
        "more_types",
    )

    def __init__(self) -> None:
        # Each number, with the first voucher type met on its lines (None: none yet); and the
        # (number, type) of its further types. One dict probe a line, as a set's would be.
        self.invoices: dict[str, str | None] = {}
        self.more_types: set[tuple[str, str]] = set()
        self.lines_without_invoice = 0
        self.revenue = _ZERO
        self.profit: Decimal | None = _ZERO
        # The quarter's first and last purchase: None while it has returns only.
        self.first: dt.date | None = None
        self.last: dt.date | None = None


def quarterly_activity(
    lines: Iterable[SaleLine | tuple[dt.date, str, Decimal, Decimal | None, str | None]],
) -> list[QuarterActivity]:
    """The quarters with at least one purchase of one account's lines (in any order), oldest
    first.

    The hot loop of segmentation (every line of an app): plain tuples will do, and quarters
    are keyed by their ordinal until the end."""
    totals: dict[int, _Totals] = {}
    add = _EXACT.add
    for sale_date, invoice, amount, profit, voucher_type in lines:
        ordinal = sale_date.year * 4 + (sale_date.month - 1) // 3
        total = totals.get(ordinal)
        if total is None:
            total = totals[ordinal] = _Totals()
        total.revenue = add(total.revenue, amount)
        if profit is None or total.profit is None:
            total.profit = None
        else:
            total.profit = add(total.profit, profit)
        if amount <= _ZERO:
            # A return: money back, not an order, not a purchase. Nor is a line of nothing:
            # QuickBooks lists a voided invoice at 0.00; a free item
            # of an invoice that sold something is counted by the invoice's other lines.
            continue
        if invoice:
            first = total.invoices.setdefault(invoice, voucher_type)
            if first != voucher_type and voucher_type is not None:
                if first is None:
                    # Its untyped lines were this type's.
                    total.invoices[invoice] = voucher_type
                else:
                    total.more_types.add((invoice, voucher_type))
        else:
            total.lines_without_invoice += 1
        if total.first is None or sale_date < total.first:
            total.first = sale_date
        if total.last is None or sale_date > total.last:
            total.last = sale_date
    return [
        QuarterActivity(
            quarter=Quarter.from_ordinal(ordinal),
            orders=_orders(total),
            # At money's scale whatever the lines' (rows stored before it was one): every
            # quarter's revenue prints with its cents.
            revenue=money(total.revenue),
            profit=None if total.profit is None else money(total.profit),
            first_purchase=total.first,
            last_purchase=total.last,
        )
        for ordinal, total in sorted(totals.items())
        if total.first is not None and total.last is not None
    ]


def _orders(total: _Totals) -> int:
    """Distinct numbers, and for a number of several known voucher types one invoice more for
    each type beyond its first (its untyped lines are one of them)."""
    return len(total.invoices) + total.lines_without_invoice + len(total.more_types)


def monetary_values(activities: Sequence[QuarterActivity]) -> tuple[list[Decimal], bool]:
    """What monetary value means for the accounts of one quarter: profit when every one of
    them has it, else revenue for all (profits and revenues are not comparable). The second
    value says whether it is profit."""
    if activities and all(activity.profit is not None for activity in activities):
        return [activity.profit for activity in activities if activity.profit is not None], True
    return [activity.revenue for activity in activities], False


def recent_since(latest_sale: dt.date, *, quarters: int = DEFAULT_RECENT_QUARTERS) -> dt.date:
    """The first day of the recency window: the same day `quarters` quarters (three months
    each) before the app's latest sale."""
    if quarters < 1:
        raise ValueError(f"the recency window is at least one quarter, got {quarters}")
    return months_before(latest_sale, 3 * quarters)


def is_recent(
    last_purchase: dt.date, *, latest_sale: dt.date, quarters: int = DEFAULT_RECENT_QUARTERS
) -> bool:
    """Whether the account bought within the window before the app's latest sale."""
    return last_purchase >= recent_since(latest_sale, quarters=quarters)
