"""Orders count a number once per book: two companies' books (a head office and its branch)
number their vouchers apart, so their `Sales 7` of one customer are two orders; lines of no
known book keep their number as it is (analytics/rfm.py, `book_number`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from analytics.rfm import book_number, quarterly_activity

_DAY = dt.date(2025, 4, 3)
_BOOKS = st.sampled_from(["", "Kaveri Distributors Pvt. Ltd.", "Kaveri (Hubli Branch)"])
_NUMBERS = st.sampled_from(["7", "8", "KD/25-26/001"])


def test_two_books_sales_7_are_two_orders() -> None:
    lines = [
        (_DAY, book_number(book, "7"), Decimal(amount), None, "sales")
        for book, amount in (("Kaveri Distributors Pvt. Ltd.", 50000), ("Hubli", 30000))
    ]
    [quarter] = quarterly_activity(lines)
    assert (quarter.orders, quarter.revenue) == (2, Decimal("80000.00"))


def test_a_line_without_a_number_stays_without_one() -> None:
    assert book_number("Kaveri Distributors Pvt. Ltd.", "") == ""
    assert book_number("", "7") == "7"


@given(st.lists(st.tuples(_BOOKS, _NUMBERS), min_size=1, max_size=12))
def test_orders_are_the_distinct_book_and_number_pairs(keys: list[tuple[str, str]]) -> None:
    lines = [(_DAY, book_number(book, number), Decimal(1), None, None) for book, number in keys]
    [quarter] = quarterly_activity(lines)
    assert quarter.orders == len(set(keys))
