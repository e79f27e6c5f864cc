"""The company a report's title names on its first line (analytics/book_titles.py): the book
of a ledger's entries."""

from __future__ import annotations

import pytest

from analytics.book_titles import title_book


def _lines(text: str) -> list[list[str]]:
    return [[line] for line in text.splitlines()]


@pytest.mark.parametrize(
    ("title", "book"),
    [
        (
            "Kumar Distributors (Unit 2)\nLedger: Sharma Electricals\n1-Apr-25 to 31-Mar-26",
            "Kumar Distributors (Unit 2)",
        ),
        (
            "Shree Ganesh Pvt. Ltd.\nSundry Debtors - Bill-wise Details\n1-Apr-2024 to 31-Mar-2025",
            "Shree Ganesh Pvt. Ltd.",
        ),
        (
            "Acme Distributing LLC\nSales by Customer Detail\nJanuary - March, 2025",
            "Acme Distributing LLC",
        ),
        ("Kumar  Traders\n12, MG Road\nSharma Electricals\nLedger Account", "Kumar Traders"),
        ("A-1 Traders\nDay Book\n1-Apr-25 to 30-Jun-25", "A-1 Traders"),
        # No company above the report's name, the party or the period.
        ("Ledger: Sharma Electricals\n1-Apr-25 to 31-Mar-26", None),
        ("Sharma Electricals\nLedger Account\n1-Apr-25 to 31-Mar-26", None),
        ("Day Book\n1-Apr-25 to 30-Jun-25", None),
        ("Sales Register\n1-Apr-25 to 30-Jun-25", None),
        ("Sundry Debtors - Bill-wise Details\n1-Apr-25 to 30-Jun-25", None),
        ("Sales by Customer Detail\nJanuary - March, 2025", None),
        ("1-Apr-25 to 30-Jun-25\nDay Book", None),
        ("Kumar Distributors", None),
        ("", None),
    ],
)
def test_the_first_title_line_is_the_company_unless_it_is_the_report_or_the_party(
    title: str, book: str | None
) -> None:
    assert title_book(_lines(title)) == book
