from __future__ import annotations

import pytest

from analytics.export_voucher_types import (
    VoucherClass,
    VoucherType,
    is_customer_business,
    is_invoice_number_column,
    is_purchase,
    voucher_class,
    voucher_type,
)


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


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Tally's abbreviations of its predefined types, as its Day Book writes them
        # (TN47/tally2ledger reads `Rcpt`, `Pymt`, `Jrnl`, `Ctra` from a Day Book exported as
        # text; Tally's data keep `Sale`, `Purc`, `C/Note`, `D/Note`, `Dely Note`, `Rej In`,
        # `Rej Out`, `Memo`, `Phys Stock` beside the types' names). On main every one but
        # `Sale`, `Rcpt` and `Phys Stock` was a sale.
        ("Sale", VoucherClass.SALE),
        ("Purc", VoucherClass.JOURNAL),
        ("Rcpt", VoucherClass.RECEIPT),
        ("Pymt", VoucherClass.PAYMENT),
        ("Jrnl", VoucherClass.JOURNAL),
        ("Ctra", VoucherClass.JOURNAL),
        ("C/Note", VoucherClass.RETURN),
        ("D/Note", VoucherClass.DEBIT_NOTE),
        ("Dely Note", VoucherClass.NOT_POSTED),
        ("Rej In", VoucherClass.NOT_POSTED),
        ("Rej Out", VoucherClass.NOT_POSTED),
        ("Memo", VoucherClass.NOT_POSTED),
        ("Phys Stock", VoucherClass.NOT_POSTED),
        # Only a whole name is an abbreviation: QuickBooks' Credit Memo stays a return.
        ("Credit Memo", VoucherClass.RETURN),
    ],
)
def test_tallys_abbreviated_types(text: str, kind: VoucherClass) -> None:
    assert voucher_class(text) is kind


@pytest.mark.parametrize(
    ("text", "purchase", "customers"),
    [
        ("Purchase", True, False),
        ("Purc", True, False),
        ("Purchase Return", True, False),
        ("Sales", False, True),
        ("Credit Note", False, True),
        ("Receipt", False, True),
        ("Payment", False, False),
        ("Journal", False, False),
    ],
)
def test_purchases_and_customers_types(text: str, purchase: bool, customers: bool) -> None:
    assert is_purchase(text) is purchase
    assert is_customer_business(text) is customers


@pytest.mark.parametrize(
    ("name", "numbers_invoices"),
    [
        ("Invoice Number", True),
        ("invoice_no", True),
        ("INVOICE NUM", True),
        ("Invoice#", False),
        ("Vch No.", False),
        ("Invoice Date", False),
    ],
)
def test_invoice_number_columns(name: str, numbers_invoices: bool) -> None:
    assert is_invoice_number_column(name) is numbers_invoices
