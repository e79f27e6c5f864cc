"""A stored amount before tax is another voucher type's amount of a renamed voucher only where
the file's gross is that amount with a tax of at most India's highest GST rate, 40% since 22
September 2025, and the rounding an invoice's total has
(`store.ingest.kinds.taxed_amounts.taxed_within_a_rate`)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from store.ingest.kinds.taxed_amounts import taxed_within_a_rate

_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2)
_signs = st.sampled_from([1, -1])


@given(before_tax=_amounts, percent=st.integers(1, 40), sign=_signs)
def test_a_gross_with_a_gst_rate_is_the_amount_with_its_tax(
    before_tax: Decimal, percent: int, sign: int
) -> None:
    gross = (before_tax * (100 + percent) / 100).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    if gross > before_tax:
        assert taxed_within_a_rate(sign * before_tax, sign * gross)


@given(before_tax=_amounts, excess=_amounts, sign=_signs)
def test_a_gross_beyond_the_highest_rate_or_not_above_is_another_voucher(
    before_tax: Decimal, excess: Decimal, sign: int
) -> None:
    beyond = before_tax * Decimal("1.40") + Decimal("1.00") + excess
    assert not taxed_within_a_rate(sign * before_tax, sign * beyond)
    assert not taxed_within_a_rate(sign * before_tax, sign * before_tax)
    assert not taxed_within_a_rate(sign * before_tax, -sign * before_tax * Decimal("1.1"))


@given(
    before_tax=_amounts,
    percent=st.sampled_from([5, 12, 18, 28, 40]),
    sign=_signs,
    round_off=st.booleans(),
)
def test_a_gross_as_an_invoice_states_it_is_the_amount_with_its_tax(
    before_tax: Decimal, percent: int, sign: int, round_off: bool
) -> None:
    """An Indian invoice's gross: CGST and SGST, half the rate each, each rounded to the paisa
    (half up), and the total often rounded to the rupee by a Round Off line. 40% is the GST
    rate of luxury and sin goods since 22 September 2025."""
    half = (before_tax * percent / 200).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    gross = before_tax + 2 * half
    if round_off:
        gross = gross.quantize(Decimal("1"), rounding="ROUND_HALF_UP")
    if gross > before_tax:
        assert taxed_within_a_rate(sign * before_tax, sign * gross)
