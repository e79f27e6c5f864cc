from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.tax_ledgers import is_tax_ledger

TAXES = [
    "Output CGST @9%",
    "Output SGST @9%",
    "Output IGST @18%",
    "Output UTGST",
    "Cess",
    "VAT",
    "Duties & Taxes",
    "TDS Receivable",
    "TCS Payable",
    "Round Off",
    "Rounded Off (-)",
    "Output GST",
]


@pytest.mark.parametrize("name", TAXES)
def test_tax_ledgers(name: str) -> None:
    assert is_tax_ledger(name)


@pytest.mark.parametrize(
    "name",
    ["Sales Account", "Local Sales @ 18% GST", "Sharma Electricals", "Kaveri Traders", "Cash", ""],
)
def test_sales_ledgers_and_parties_are_not_taxes(name: str) -> None:
    assert not is_tax_ledger(name)


@given(st.sampled_from(TAXES), st.sampled_from(["Traders", "Electricals", "& Sons"]))
def test_a_party_named_after_a_tax_word_is_no_tax(tax: str, word: str) -> None:
    """A name with a word of its own (`VAT Traders`) is a party's."""
    assert not is_tax_ledger(f"{tax} {word}")
