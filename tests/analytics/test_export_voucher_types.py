from __future__ import annotations

import pytest

from analytics.export_voucher_types import VoucherType, voucher_type


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sales", VoucherType.SALE),
        ("GST Sales", VoucherType.SALE),
        ("Tax Invoice", VoucherType.SALE),
        ("Export Sales", VoucherType.SALE),
        ("Credit Note", VoucherType.RETURN),
        ("creditNote", VoucherType.RETURN),
        ("Sales Return - Damaged", VoucherType.RETURN),
        ("Credit Memo", VoucherType.RETURN),
        ("CN", VoucherType.RETURN),
        ("Receipt", VoucherType.OTHER),
        ("Payment", VoucherType.OTHER),
        ("Journal", VoucherType.OTHER),
        ("Contra", VoucherType.OTHER),
        ("Purchase Return", VoucherType.OTHER),
        ("Debit Note", VoucherType.OTHER),
        ("Sales Order", VoucherType.OTHER),
    ],
)
def test_voucher_types_as_exports_name_them(text: str, kind: VoucherType) -> None:
    assert voucher_type(text) is kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # QuickBooks' transaction types, each as what it means.
        ("Invoice", VoucherType.SALE),
        ("Sales Receipt", VoucherType.SALE),
        ("Credit Memo", VoucherType.RETURN),
        ("Refund Receipt", VoucherType.RETURN),
        ("Payment", VoucherType.OTHER),
        ("Journal Entry", VoucherType.OTHER),
        ("Estimate", VoucherType.OTHER),
        ("Delayed Charge", VoucherType.OTHER),
        ("Statement Charge", VoucherType.SALE),
        # Tally's receipts stay money received, its receipt notes goods received.
        ("Receipt", VoucherType.OTHER),
        ("Receipt Note", VoucherType.OTHER),
    ],
)
def test_quickbooks_transaction_types(text: str, kind: VoucherType) -> None:
    assert voucher_type(text) is kind
