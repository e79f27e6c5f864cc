from __future__ import annotations

import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from analytics.ledger_titles import (
    CONTRA_WORDS,
    QUALIFIERS,
    is_contra_ledger,
    is_day_book,
    sales_register_title,
    title_party,
)

PERIOD = ["1-Apr-2024 to 31-Mar-2025"]
COMPANY = ["Shree Ganesh Distributors Pvt. Ltd."]


@pytest.mark.parametrize(
    ("lines", "party"),
    [
        ([COMPANY, ["Ledger: Sharma Electricals"], PERIOD], "Sharma Electricals"),
        ([COMPANY, ["Ledger Account:  M/s Gupta & Sons "], PERIOD], "M/s Gupta & Sons"),
        ([COMPANY, ["Party", "Sharma Electricals"]], "Sharma Electricals"),
        ([COMPANY, ["Customer Name:", "", "00123"]], "00123"),
        ([COMPANY, ["Sharma Electricals"], ["Ledger Account"], PERIOD], "Sharma Electricals"),
        ([COMPANY, ["Sundry Debtors"], PERIOD], None),
        # A group's or a sales ledger's report lists its parties in Particulars.
        ([COMPANY, ["Ledger: Sundry Debtors"], PERIOD], None),
        ([COMPANY, ["Group: Sundry Debtors"], PERIOD], None),
        ([COMPANY, ["Ledger: Sales Account"], PERIOD], None),
        ([COMPANY, ["HDFC Bank"], ["Ledger Account"], PERIOD], None),
        ([COMPANY, ["Sales Register"], PERIOD], None),
        ([COMPANY, ["Ledger:"], PERIOD], None),
        ([], None),
    ],
)
def test_the_party_a_title_names(lines: list[list[str]], party: str | None) -> None:
    assert title_party(lines) == party


@pytest.mark.parametrize(
    ("lines", "day_book"),
    [
        ([COMPANY, ["Day Book"], PERIOD], True),
        ([COMPANY, ["  DAY BOOK  "], PERIOD], True),
        ([COMPANY, ["Daybook", "", ""], PERIOD], True),
        ([COMPANY, ["Day Book Register"], PERIOD], True),
        ([COMPANY, ["Ledger: Sharma Electricals"], PERIOD], False),
        ([COMPANY, ["Sales Register"], PERIOD], False),
        # A company's name that starts so is not the report's.
        ([["Day Book Stationers Pvt. Ltd."], ["Sales Register"]], False),
        ([], False),
    ],
)
def test_a_day_book_by_its_title(lines: list[list[str]], day_book: bool) -> None:
    assert is_day_book(lines) is day_book
    # A Day Book names no party: its lines do.
    assert day_book is False or title_party(lines) is None


@pytest.mark.parametrize(
    ("lines", "register"),
    [
        ([COMPANY, ["Sales Register"], PERIOD], "Sales Register"),
        ([COMPANY, ["Sales Register (Detailed)", "", ""], PERIOD], "Sales Register (Detailed)"),
        # QuickBooks' sales report may be loaded as a ledger (its receipts are paid at once).
        ([["Northwind LLC"], ["Sales by Customer Detail"]], None),
        ([COMPANY, ["SALES DAY BOOK"], PERIOD], "SALES DAY BOOK"),
        # The register of one sales voucher type (Tally titles it by the type's name).
        ([COMPANY, ["Export Sales Register"], PERIOD], "Export Sales Register"),
        ([COMPANY, ["GST Sales Register (Detailed)"], PERIOD], "GST Sales Register (Detailed)"),
        ([COMPANY, ["Tax Invoice Register"], PERIOD], "Tax Invoice Register"),
        # Registers of types that are no sale: orders, returns, receipts, purchases.
        ([COMPANY, ["Sales Order Register"], PERIOD], None),
        ([COMPANY, ["Sales Return Register"], PERIOD], None),
        ([COMPANY, ["Receipt Register"], PERIOD], None),
        ([COMPANY, ["Purchase Register"], PERIOD], None),
        ([COMPANY, ["Voucher Register"], PERIOD], None),
        ([COMPANY, ["Register"], PERIOD], None),
        # Reports that hold the receipts too, or name a party.
        ([COMPANY, ["Day Book"], PERIOD], None),
        ([COMPANY, ["Ledger: Sales Account"], PERIOD], None),
        ([COMPANY, ["Ledger: Sharma Electricals"], PERIOD], None),
        ([COMPANY, ["Sundry Debtors"], PERIOD], None),
        # A company's name that starts so is not the report's.
        ([["Sales Register Stationers Pvt. Ltd."], ["Day Book"]], None),
        ([], None),
    ],
)
def test_a_register_of_sales_by_its_title(lines: list[list[str]], register: str | None) -> None:
    assert sales_register_title(lines) == register


@pytest.mark.parametrize(
    "name",
    [
        *("Sales Account", "Sales A/c", "Sales", "Local Sales @ 18%", "Sales - GST 18%"),
        *("Interstate Sales", "Cash", "Petty Cash", "Cash-in-Hand", "HDFC Bank"),
        *("State Bank of India", "ICICI Bank A/c 0012", "Output CGST @9%", "IGST Payable"),
        *("Round Off", "Rounding Off", "Discount Allowed", "TDS Receivable", "Freight Outward"),
        # Tally Prime's side word before the other account of an entry.
        *("To Sales Account", "By Cash", "by ICICI Bank", "TO Output CGST @9%", " To  Round Off"),
    ],
)
def test_contra_ledgers(name: str) -> None:
    assert is_contra_ledger(name)


@pytest.mark.parametrize(
    "name",
    [
        *("Sharma Electricals", "Gupta Sales Corporation", "Cash & Carry Mart", "C1"),
        *("00123", "Café Mocha Traders", "Sales Force India Pvt Ltd", "Patel Hardware"),
        *("By The Way Cafe", "To Sharma Electricals", "Tobacco Sales Co", "Bytes Cash Register"),
    ],
)
def test_customers_are_not_contra_ledgers(name: str) -> None:
    assert not is_contra_ledger(name)


@given(
    st.lists(st.sampled_from(["Sales", "Account", "A/c", "Cash", "@", "18%", "Output", "GST"])),
    st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=12),
    st.sampled_from(["", "To ", "By "]),
)
def test_a_name_with_a_word_of_its_own_is_a_customer(words: list[str], own: str, side: str) -> None:
    # Unless it is a bank's: a party whose name has a word that no contra ledger's has, with
    # or without a side word before it.
    assume(own not in CONTRA_WORDS | QUALIFIERS | {"bank"})
    assert not is_contra_ledger(side + " ".join([*words, own.capitalize()]))


@given(
    st.lists(
        st.sampled_from(["Sales", "Account", "Cash", "Bank", "@ 18%", "Output", "Sharma", "Cafe"]),
        min_size=1,
    ),
    st.sampled_from(["To ", "By ", "to ", "BY  "]),
)
def test_the_side_word_changes_nothing(words: list[str], side: str) -> None:
    # `To Sales Account` is the Sales Account ledger, `By Sharma` the party Sharma.
    name = " ".join(words)
    assert is_contra_ledger(side + name) is is_contra_ledger(name)
