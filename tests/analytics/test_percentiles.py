from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.percentiles import percentile_rank, percentiles, round_percentile


def _rounded_share(count: int, total: int) -> int:
    return int((Decimal(100 * count) / total).quantize(Decimal(1), rounding=ROUND_HALF_UP))


values = st.lists(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False), min_size=1
)


@given(values)
def test_percentiles_are_numpys_linear_interpolation_rounded(sample: list[Decimal]) -> None:
    expected = np.percentile([float(v) for v in sample], [25, 50, 75, 90])
    got = percentiles(sample)
    assert got == tuple(round_percentile(float(e)) for e in expected)
    for value, exact in zip(got, expected, strict=True):
        assert abs(value - exact) <= 0.005 + 1e-9 * abs(exact)


def test_known_cohort() -> None:
    # 10, 20, 30, 40, 50: p25 = 20, p50 = 30, p75 = 40, p90 = 46 (linear between 40 and 50).
    assert percentiles([Decimal(v) for v in (50, 10, 40, 20, 30)]) == (20.0, 30.0, 40.0, 46.0)


def test_rounding_is_half_up_to_two_decimals_whatever_the_float_noise() -> None:
    assert round_percentile(0.16499999999999998) == 0.17
    assert round_percentile(0.16500000000000001) == 0.17
    assert round_percentile(0.1649) == 0.16
    assert round_percentile(2.675) == 2.68
    assert round_percentile(-2.675) == -2.68
    assert round_percentile(41.0) == 41.0


def test_empty_cohorts_have_no_percentiles() -> None:
    with pytest.raises(ValueError, match="empty"):
        percentiles([])


@given(values, st.data())
def test_rank_is_the_share_at_or_below_and_mirrors_for_lower_is_better(
    sample: list[Decimal], data: st.DataObject
) -> None:
    ordered = sorted(sample)
    value = data.draw(st.sampled_from(ordered))
    higher = percentile_rank(ordered, value, higher_is_better=True)
    lower = percentile_rank(ordered, value, higher_is_better=False)
    at_or_below = sum(1 for v in ordered if v <= value)
    at_or_above = sum(1 for v in ordered if v >= value)
    assert higher == _rounded_share(at_or_below, len(ordered))
    assert lower == _rounded_share(at_or_above, len(ordered))
    assert 0 < higher <= 100
    assert 0 < lower <= 100


@given(values)
def test_a_larger_value_never_ranks_lower(sample: list[Decimal]) -> None:
    ordered = sorted(sample)
    ranks = [percentile_rank(ordered, v, higher_is_better=True) for v in ordered]
    assert ranks == sorted(ranks)
    assert ranks[-1] == 100


def test_rank_examples() -> None:
    cohort = [Decimal(v) for v in (10, 20, 30, 40, 50)]
    assert percentile_rank(cohort, Decimal(30), higher_is_better=True) == 60
    assert percentile_rank(cohort, Decimal(30), higher_is_better=False) == 60
    assert percentile_rank(cohort, Decimal(10), higher_is_better=False) == 100
    assert percentile_rank(cohort, Decimal(10), higher_is_better=True) == 20
