"""Statuses of invoices that are no sales."""

from __future__ import annotations

import pytest

from analytics.invoice_status import is_not_issued


@pytest.mark.parametrize(
    "status",
    ["Void", "VOIDED", "Draft", "Cancelled", "canceled", "Pending Approval", "(cancelled)"],
)
def test_not_issued(status: str) -> None:
    assert is_not_issued(status)


@pytest.mark.parametrize(
    "status", ["Paid", "Sent", "Overdue", "Partially Paid", "Unpaid", "Viewed", "Written Off"]
)
def test_issued(status: str) -> None:
    assert not is_not_issued(status)
