"""The book a report's title names: the company whose books it is of. Tally prints the
company's name on the first line of every export (then its address, the report's name, the
period); QuickBooks and Zoho Books head their reports the same way:

    Kumar Distributors (Unit 2)
    Ledger: Sharma Electricals
    1-Apr-2025 to 31-Mar-2026

A firm keeping two companies (two GSTINs, two branches) has one customer's ledger in each,
numbered apart: two books whose entries may share a bill number and a day.

The first title line is the company's when more lines follow it and it is none of the lines
that may stand first without a company above them: the report's name (`Day Book`, `Sales by
Customer Detail`, `Sundry Debtors`), the party (`Ledger: NAME`, or the name over Tally ERP
9's `Ledger Account`) or a period.

QuickBooks Online puts the report's name first and the company under it:

    Sales by Customer Detail
    Craig's Design and Landscaping Services
    January - March, 2025

so under a first line that is the name of a QuickBooks report (a closed list:
`analytics.export_date_order`), the second line is the company's by the same rule. Without
it, such an export was of no known book, and its Invoice 1001 of a customer another company's
book holds (QuickBooks numbers every company's invoices from 1001) was taken for that book's
and written over it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analytics.book_names import book_key
from analytics.export_columns import normalize, words
from analytics.export_date_order import is_quickbooks_report_name
from analytics.export_dates import BadDate, parse_export_date
from analytics.ledger_titles import is_day_book, sales_register_title, title_party
from analytics.report_period import report_period

# Words of a report's name (a company's name has none of them): `Sundry Debtors - Bill-wise
# Details`, `Customer Balance Detail`, `A/R Aging Summary`, `Statement of Account`; and what
# such a name holds written together (`Day Book`, `Bill-wise`, `Sales by Customer`).
_REPORT_WORDS = frozenset(
    (
        *("ledger", "ledgers", "register", "daybook", "report", "statement", "summary"),
        *("detail", "details", "aging", "ageing", "outstanding", "outstandings", "receivable"),
        *("receivables", "debtors", "creditors", "voucher", "vouchers", "transaction"),
        *("transactions", "journal"),
    )
)
_REPORT_PARTS = ("daybook", "billwise", "salesby")
_SPACES = re.compile(r"\s+")


def _cells(line: Sequence[str]) -> list[str]:
    return [cell.strip() for cell in line if cell.strip()]


def _dated(text: str) -> bool:
    """Whether the text is a date or a period (`1-Apr-2025 to 31-Mar-2026`, `As on 31-Mar-26`)."""
    if normalize(text) == "alldates":  # QuickBooks' period of a report over every date
        return True
    if report_period([[text]]) is not None:
        return True
    try:
        parse_export_date(
            re.sub(r"^\s*(?:as\s+(?:on|of|at)|from|upto|up\s+to)\s+", "", text, flags=re.I)
        )
    except BadDate:
        return False
    return True


def title_book(lines: Sequence[Sequence[str]]) -> str | None:
    """The company a report's title lines name on their first line, if they name one (its
    runs of spaces as one)."""
    filled = [cells for line in lines if (cells := _cells(line))]
    if len(filled) >= 3 and len(filled[0]) == 1 and is_quickbooks_report_name(filled[0][0]):
        # QuickBooks Online: the report's name, then the company, then the period.
        return _first_line_book(filled[1:])
    return _first_line_book(filled)


def _first_line_book(filled: Sequence[Sequence[str]]) -> str | None:
    """The company the first of the (non-empty) title lines names, if it names one."""
    if len(filled) < 2 or len(filled[0]) != 1:
        return None
    first = filled[0][0]
    if _dated(first) or any(word in _REPORT_WORDS for word in words(first)):
        return None
    if any(part in normalize(first) for part in _REPORT_PARTS) or is_quickbooks_report_name(first):
        return None
    if title_party(filled[:1]) is not None or title_party(filled[:2]) == first:
        # `Party: NAME` on the first line, or the party's name over `Ledger Account`.
        return None
    if is_day_book(filled[:1]) or sales_register_title(filled[:1]) is not None:
        return None
    if not book_key(first):
        # Nothing of a name once folded (punctuation): the letters and digits of any script
        # count, so that a company printed in Devanagari alone is a book.
        return None
    return _SPACES.sub(" ", first)
