"""Statuses of invoices that are no sales."""

from __future__ import annotations

import pytest

from analytics.invoice_status import is_cancelled_voucher, is_not_issued, is_own_status


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


@pytest.mark.parametrize("status", ["Submitted", "DECLINED", "Rejected"])
def test_bare_statuses_are_no_sale_only_in_the_invoices_own_status_column(status: str) -> None:
    assert is_not_issued(status)
    assert is_not_issued(status, own=True)
    assert not is_not_issued(status, own=False)


@pytest.mark.parametrize("status", ["Void", "Draft", "Cancelled", "Pending Approval"])
def test_a_void_or_draft_is_no_sale_in_any_status_column(status: str) -> None:
    assert is_not_issued(status, own=False)


@pytest.mark.parametrize(
    "column", ["Status", "Invoice Status", "invoice_status", "Document Status", "Estado"]
)
def test_the_invoices_own_status_column(column: str) -> None:
    assert is_own_status(column)


@pytest.mark.parametrize(
    "column", ["E-Invoice Status", "IRN Status", "GST Status", "E-Way Bill Status"]
)
def test_status_columns_of_something_else(column: str) -> None:
    assert not is_own_status(column)
