"""A customer's percentile read off a private release: within 0-100, monotone in the value,
exact at the released figures, and a function of the release, the bounds and the value only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.private_percentile import private_percentile

QUANTILES = (20.0, 40.0, 60.0, 80.0)


def _at(value: float, *, higher_is_better: bool = True) -> int:
    return private_percentile(
        value, quantiles=QUANTILES, lower=0.0, upper=100.0, higher_is_better=higher_is_better
    )


@pytest.mark.parametrize(
    ("value", "share"),
    [(-5, 0), (0, 0), (10, 13), (20, 25), (40, 50), (50, 63), (60, 75), (80, 90), (90, 95),
     (100, 100), (250, 100)],
)  # fmt: skip
def test_shares_are_straight_lines_through_the_released_figures(value: float, share: int) -> None:
    assert _at(value) == share


def test_where_lower_is_better_the_share_is_measured_from_above() -> None:
    assert _at(20, higher_is_better=False) == 75
    assert _at(0, higher_is_better=False) == 100
    assert _at(100, higher_is_better=False) == 0


def test_figures_that_noise_crossed_or_put_outside_the_bounds_are_sorted_and_clamped() -> None:
    crossed = private_percentile(
        50.0, quantiles=(60.0, -30.0, 40.0, 500.0), lower=0.0, upper=100.0, higher_is_better=True
    )
    # Read as (0, 40, 60, 100): 50 lies halfway between the 50th and the 75th percentile.
    assert crossed == 63


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(
    quantiles=st.tuples(finite, finite, finite, finite),
    bounds=st.tuples(finite, finite).map(sorted).filter(lambda b: b[0] < b[1]),
    values=st.tuples(finite, finite).map(sorted),
    higher_is_better=st.booleans(),
)
def test_the_share_stays_in_range_and_moves_with_the_value(
    quantiles: tuple[float, float, float, float],
    bounds: list[float],
    values: list[float],
    higher_is_better: bool,
) -> None:
    lower, upper = bounds
    low, high = (
        private_percentile(
            value,
            quantiles=quantiles,
            lower=lower,
            upper=upper,
            higher_is_better=higher_is_better,
        )
        for value in values
    )
    assert 0 <= low <= 100
    assert 0 <= high <= 100
    assert (low <= high) if higher_is_better else (low >= high)
