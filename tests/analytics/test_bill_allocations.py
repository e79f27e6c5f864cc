"""Tally's bill-wise detail lines (`analytics.bill_allocations`)."""

from __future__ import annotations

import pytest

from analytics.bill_allocations import BillAllocation, bill_allocation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Agst Ref  KD/25-26/002", BillAllocation("agst ref", "KD/25-26/002", None)),
        ("Agst. Ref: 1001", BillAllocation("agst ref", "1001", None)),
        ("Against Ref SG/001", BillAllocation("agst ref", "SG/001", None)),
        (
            "New Ref  KD/25-26/002  Due on 3-May-2025",
            BillAllocation("new ref", "KD/25-26/002", "3-May-2025"),
        ),
        ("NEW REF KD/1", BillAllocation("new ref", "KD/1", None)),
        ("On Account", BillAllocation("on account", None, None)),
        ("Advance  ADV/7", BillAllocation("advance", None, None)),
    ],
)
def test_a_bill_wise_detail_is_read(text: str, expected: BillAllocation) -> None:
    assert bill_allocation(text) == expected


@pytest.mark.parametrize(
    "text", ["Sales Account", "HDFC Bank", "Advanced Traders", "Newref Stores", "Reference"]
)
def test_other_particulars_are_not_bill_wise_details(text: str) -> None:
    assert bill_allocation(text) is None
