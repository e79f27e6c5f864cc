"""Tax ledgers as Indian books name them beside `Output CGST @9%`."""

from __future__ import annotations

import pytest

from analytics.tax_ledgers import is_tax_ledger


@pytest.mark.parametrize(
    "name",
    ["TCS on Sales", "TCS on Sale of Goods", "CGST Collected", "GST on Sales"],
)
def test_common_tax_ledger_names_are_taxes(name: str) -> None:
    assert is_tax_ledger(name)


@pytest.mark.parametrize(
    "name",
    ["Sales @ 18% GST", "Sales Account", "Freight Outward", "Sales on Credit", "Sales of Goods"],
)
def test_sales_ledgers_stay_sales(name: str) -> None:
    assert not is_tax_ledger(name)
