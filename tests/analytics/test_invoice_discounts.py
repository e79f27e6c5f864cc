"""An invoice-level discount larger than each line but below the invoice's total is spread over
the lines in proportion to their amounts; one not below the total lowers nothing."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from analytics.invoice_discounts import spread_discount

D = Decimal


def test_half_off_three_items() -> None:
    assert spread_discount([D("100.00"), D("100.00"), D("100.00")], D("150.00")) == [
        D("50.00"),
        D("50.00"),
        D("50.00"),
    ]


def test_the_rounding_remainder_goes_to_the_largest_line() -> None:
    lowered = spread_discount([D("10.00"), D("10.00"), D("10.01")], D("20.00"))
    assert lowered is not None
    assert sum(lowered) == D("10.01")
    assert all(amount > 0 for amount in lowered)


def test_a_discount_not_below_the_total_lowers_nothing() -> None:
    assert spread_discount([D("100.00"), D("50.00")], D("150.00")) is None
    assert spread_discount([D("100.00"), D("50.00")], D("150.01")) is None
    assert spread_discount([], D("1.00")) is None


amounts = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)


@given(st.lists(amounts, min_size=1, max_size=8), st.integers(min_value=0, max_value=10_000))
def test_lines_add_up_to_the_total_less_the_discount(lines: list[Decimal], basis: int) -> None:
    total = sum(lines, D(0))
    discount = (total * basis / 10_000).quantize(D("0.01"))
    lowered = spread_discount(lines, discount)
    if discount <= 0 or discount >= total:
        assert lowered is None
        return
    if lowered is None:
        # Refused below the total only where a line's share would take it to about nothing.
        assert any(line - discount * line / total < D("0.02") for line in lines)
        return
    assert sum(lowered) == total - discount
    assert all(amount > 0 for amount in lowered)
