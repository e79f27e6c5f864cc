from __future__ import annotations

import pytest

from analytics.credit import EntryKind
from analytics.export_amounts import Side
from analytics.export_kinds import BadKind, entry_kind, posts_nothing, settled_by
from analytics.export_voucher_types import VoucherType, voucher_type

INVOICE = EntryKind.INVOICE
PAYMENT = EntryKind.PAYMENT


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Invoice", INVOICE),
        ("Tax Invoice", INVOICE),
        ("SALES", INVOICE),
        ("GST Sales", INVOICE),
        ("Export Sales", INVOICE),
        ("Debit Note", INVOICE),
        ("Dr", INVOICE),
        ("Receipt", PAYMENT),
        ("credit-note", PAYMENT),
        ("Sales Return", PAYMENT),
        ("payment", PAYMENT),
        ("Cr.", PAYMENT),
    ],
)
def test_the_words_of_exports(text: str, kind: EntryKind) -> None:
    assert entry_kind(text) is kind


@pytest.mark.parametrize("text", ["Journal", "Contra", "Purchase", "Adjustment"])
@pytest.mark.parametrize(("side", "kind"), [(Side.DEBIT, INVOICE), (Side.CREDIT, PAYMENT)])
def test_a_journal_or_a_type_of_ones_own_goes_by_its_side(
    text: str, side: Side, kind: EntryKind
) -> None:
    assert entry_kind(text, side) is kind


def test_a_payment_that_is_a_debit_is_money_paid_to_the_customer() -> None:
    assert entry_kind("Payment", Side.DEBIT) is INVOICE
    assert entry_kind("Payment", Side.CREDIT) is PAYMENT


@pytest.mark.parametrize(
    ("text", "side"),
    [("Receipt", Side.DEBIT), ("GST Sales", Side.CREDIT), ("Credit Note", Side.DEBIT)],
)
def test_a_type_and_a_side_that_disagree_are_refused(text: str, side: Side) -> None:
    with pytest.raises(BadKind, match=rf"kind '{text}' says .* but the amount is a {side}"):
        entry_kind(text, side)


def test_without_a_side_other_words_are_refused_with_the_words_to_use() -> None:
    with pytest.raises(
        BadKind, match=r"'Journal' is neither an invoice nor a payment without a side: use "
    ):
        entry_kind("Journal")


@pytest.mark.parametrize(
    ("text", "posts"),
    [("Sales Order", False), ("Memorandum", False), ("Delivery Note", False), ("Sales", True)],
)
def test_orders_and_memoranda_post_nothing(text: str, posts: bool) -> None:
    assert posts_nothing(text) is not posts


@pytest.mark.parametrize(
    "text",
    ["Sales", "GST Sales", "Tax Invoice", "Credit Note", "Receipt", "Debit Note", "Journal"],
)
def test_one_vocabulary_for_sales_and_ledgers(text: str) -> None:
    # A sale in a sales file is an invoice in a ledger; a return a payment (a credit); what a
    # sales file skips is still an entry of a ledger, except what posts nothing.
    kind = voucher_type(text)
    if kind is VoucherType.SALE:
        assert entry_kind(text) is INVOICE
    elif kind is VoucherType.RETURN:
        assert entry_kind(text) is PAYMENT
    else:
        assert not posts_nothing(text)


@pytest.mark.parametrize(
    ("text", "kind", "settled"),
    [
        ("Sales Receipt", INVOICE, PAYMENT),
        ("Refund Receipt", PAYMENT, INVOICE),
        ("Invoice", INVOICE, None),
        ("Credit Memo", PAYMENT, None),
        ("Payment", PAYMENT, None),
        ("Receipt", PAYMENT, None),
    ],
)
def test_quickbooks_types_settled_on_the_spot(
    text: str, kind: EntryKind, settled: EntryKind | None
) -> None:
    assert entry_kind(text) is kind
    assert settled_by(text) is settled


@pytest.mark.parametrize("text", ["Estimate", "Delayed Charge", "Delayed Credit"])
def test_estimates_and_delayed_charges_post_nothing(text: str) -> None:
    assert posts_nothing(text)
