"""A stored amount before tax is another voucher type's amount of a renamed voucher only where
the file's gross is that amount with a tax of at most India's highest GST rate, 28%
(`store.ingest.kinds.taxed_amounts.taxed_within_a_rate`)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from store.ingest.kinds.taxed_amounts import taxed_within_a_rate

_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2)
_signs = st.sampled_from([1, -1])


@given(before_tax=_amounts, percent=st.integers(1, 28), sign=_signs)
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
    beyond = before_tax * Decimal("1.28") + excess
    assert not taxed_within_a_rate(sign * before_tax, sign * beyond)
    assert not taxed_within_a_rate(sign * before_tax, sign * before_tax)
    assert not taxed_within_a_rate(sign * before_tax, -sign * before_tax * Decimal("1.1"))
