"""Statuses of invoices that are no sales."""

from __future__ import annotations

import pytest

from analytics.invoice_status import is_cancelled_voucher, is_not_issued


@pytest.mark.parametrize(
    "status",
    [
        *("Void", "VOIDED", "Draft", "Cancelled", "canceled", "Pending Approval", "(cancelled)"),
        *("Storniert", "Entwurf", "Annulée", "Brouillon", "Anulada", "Borrador"),
    ],
)
def test_not_issued(status: str) -> None:
    assert is_not_issued(status)


@pytest.mark.parametrize(
    "status",
    [
        *("Paid", "Sent", "Overdue", "Partially Paid", "Unpaid", "Viewed", "Written Off"),
        *("Bezahlt", "Payée", "Pagada", "Emitida"),
    ],
)
def test_issued(status: str) -> None:
    assert not is_not_issued(status)


@pytest.mark.parametrize("party", ["(cancelled)", " (Cancelled) ", "(CANCELED)"])
def test_a_cancelled_voucher(party: str) -> None:
    assert is_cancelled_voucher(party)


@pytest.mark.parametrize("party", ["Cancelled Traders", "cancelled", "Gupta Traders"])
def test_parties_that_are_not_a_cancelled_voucher(party: str) -> None:
    assert not is_cancelled_voucher(party)
