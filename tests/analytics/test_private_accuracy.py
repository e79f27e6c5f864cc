"""The stated a-priori accuracy of private figures covers the real mechanism's releases.

OpenDP's noise cannot be seeded, so each check draws N releases and allows the number of
misses that a miss rate of 5 % exceeds with probability below 1e-9 (an exact binomial tail):
a sound mechanism and bound cannot fail it, short of a one-in-a-billion run, while a bound
that covered only 90 % fails it at these N almost surely. The cohorts are seeded."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from analytics.percentiles import PERCENTILES, round_percentile
from analytics.private_accuracy import (
    BETA,
    INFORMATIVE_SHARE,
    _quantile_scale,
    budget_needed,
    candidates_of,
    describe,
    month_precision,
    percentile_accuracy,
    rank_interval,
    roll_up_accuracy,
)
from analytics.private_release import (
    MetricBounds,
    private_mean,
    private_percentiles,
    private_sum,
    quantile_noise_scale,
)

LOGNORMAL = MetricBounds(Decimal(0), Decimal(1000))
PERCENT = MetricBounds(Decimal(0), Decimal(100))
SIGNED = MetricBounds(Decimal(-50), Decimal(50))


def allowed_misses(trials: int, rate: float = BETA, tail: float = 1e-9) -> int:
    """The fewest misses m with P(Binomial(trials, rate) > m) < tail."""
    total = 0.0
    for misses in range(trials + 1):
        total += math.comb(trials, misses) * rate**misses * (1 - rate) ** (trials - misses)
        if 1 - total < tail:
            return misses
    return trials


def cohort(seed: int, size: int, bounds: MetricBounds) -> list[float]:
    rng = np.random.default_rng(seed)
    lower, upper = bounds.as_floats
    if bounds is LOGNORMAL:
        raw = rng.lognormal(np.log(80.0), 1.0, size)
    elif bounds is PERCENT:
        raw = 100 * rng.beta(8, 2, size)  # csat-like, crowded near the top
    else:
        raw = rng.normal(0.0, 15.0, size)
    return sorted(min(max(float(v), lower), upper) for v in raw)


@pytest.mark.parametrize(
    ("size", "epsilon", "bounds"),
    [(40, 40.0, LOGNORMAL), (200, 12.0, PERCENT), (120, 20.0, SIGNED), (400, 4.0, LOGNORMAL)],
)
def test_stated_rank_error_covers_the_releases(
    size: int, epsilon: float, bounds: MetricBounds
) -> None:
    trials = 300
    accuracy = percentile_accuracy(size, bounds=bounds, epsilon=epsilon)
    assert accuracy.rank_error is not None
    grid = candidates_of(bounds)
    misses = 0
    for draw in range(trials):
        values = cohort(draw, size, bounds)
        released = private_percentiles(values, bounds=bounds, epsilon=epsilon, candidates=grid)
        for percentile, value in zip(PERCENTILES, released, strict=True):
            low, high = rank_interval(values, percentile / 100, accuracy.rank_error, bounds=bounds)
            if not round_percentile(low) <= value <= round_percentile(high):
                misses += 1
                break  # the statement is about the set: one miss of four is a miss
    assert misses <= allowed_misses(trials)


@pytest.mark.parametrize(("aggregation", "size", "epsilon"), [("mean", 30, 0.5), ("sum", 8, 2.0)])
def test_stated_half_width_covers_the_releases(aggregation: str, size: int, epsilon: float) -> None:
    trials = 400
    accuracy = roll_up_accuracy(size, aggregation, bounds=LOGNORMAL, epsilon=epsilon)
    assert accuracy.half_width is not None
    release = private_mean if aggregation == "mean" else private_sum
    misses = 0
    for draw in range(trials):
        values = cohort(draw, size, LOGNORMAL)
        exact = float(np.mean(values)) if aggregation == "mean" else float(np.sum(values))
        released = float(release(values, bounds=LOGNORMAL, epsilon=epsilon))
        misses += abs(released - exact) > accuracy.half_width
    assert misses <= allowed_misses(trials)


@pytest.mark.parametrize("epsilon", [1 / 22, 0.7, 9.0])
def test_quantile_scale_depends_on_epsilon_only(epsilon: float) -> None:
    # OpenDP 0.16: permute-and-flip over scores of range sensitivity 2 (replace one account),
    # whatever the size, bounds and grid: the accuracy computes it once per epsilon.
    scales = {
        quantile_noise_scale(size, bounds=bounds, epsilon=epsilon, candidates=candidates_of(bounds))
        for size in (5, 6, 67, 1000, 123_457)
        for bounds in (PERCENT, LOGNORMAL, SIGNED)
    }
    # Equal but for OpenDP's float rounding, which the accuracy's margin covers.
    assert max(scales) <= _quantile_scale(epsilon)
    assert _quantile_scale(epsilon) == pytest.approx(min(scales), rel=1e-8)
    assert min(scales) == pytest.approx(2 / (epsilon / len(PERCENTILES)), rel=1e-6)


def test_informative_thresholds() -> None:
    precise = percentile_accuracy(20_000, bounds=PERCENT, epsilon=1.0)
    assert precise.informative
    assert precise.rank_error is not None
    assert precise.rank_error <= INFORMATIVE_SHARE * 20_000
    noisy = percentile_accuracy(50, bounds=PERCENT, epsilon=1 / 22)
    assert not noisy.informative
    assert noisy.budget_factor is not None
    assert noisy.budget_factor > 1
    # The budget it names is enough: the figure is informative at that epsilon.
    enough = percentile_accuracy(50, bounds=PERCENT, epsilon=noisy.budget_factor / 22 * 1.0001)
    assert enough.informative
    # Five accounts never place a p50 within a quarter of the cohort, whatever the budget.
    assert percentile_accuracy(5, bounds=PERCENT, epsilon=1e6).budget_factor is None
    mean = roll_up_accuracy(50, "mean", bounds=PERCENT, epsilon=0.2)
    assert mean.half_width is not None
    assert mean.informative is (mean.half_width <= 25)
    assert roll_up_accuracy(50, "median", bounds=PERCENT, epsilon=0.2) == percentile_accuracy(
        50, bounds=PERCENT, epsilon=0.2
    )


def test_words_and_budget() -> None:
    assert "too imprecise" in describe(percentile_accuracy(50, bounds=PERCENT, epsilon=1 / 22))
    assert "too imprecise" not in describe(percentile_accuracy(20_000, bounds=PERCENT, epsilon=1))
    assert describe(None) == "Exact figure."
    assert budget_needed(1.0, 9.17) == Decimal("9.2")
    assert budget_needed(1.0, 201.3) == Decimal("210")
    assert budget_needed(1.0, None) is None


def test_the_months_precision_in_two_lines() -> None:
    figures = [
        percentile_accuracy(20_000, bounds=PERCENT, epsilon=1.0),  # informative
        percentile_accuracy(300, bounds=PERCENT, epsilon=1.0),  # needs a little more
        percentile_accuracy(200, bounds=PERCENT, epsilon=1.0),
        percentile_accuracy(100, bounds=PERCENT, epsilon=1.0),  # needs more
        percentile_accuracy(5, bounds=PERCENT, epsilon=1.0),  # never
    ]
    summary = month_precision(figures, 1.0)
    assert (summary.figures, summary.informative, summary.hopeless) == (5, 1, 1)
    first, second = summary.sentences(1.0)
    assert first.startswith("1 of 5 private figures are precise enough")
    assert summary.budget_for_half is not None
    assert summary.budget_for_the_rest is not None
    assert summary.budget_for_half < summary.budget_for_the_rest
    assert second.endswith("; 1 never would (cohorts too small).")
    # The budgets it names are enough.
    for budget, informative in ((summary.budget_for_half, 2), (summary.budget_for_the_rest, 3)):
        again = [
            percentile_accuracy(n, bounds=PERCENT, epsilon=float(budget)) for n in (300, 200, 100)
        ]
        assert sum(a.informative for a in again) >= informative
    assert month_precision([], 1.0).sentences(1.0) == []
