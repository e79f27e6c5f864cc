"""The private figures of a published month's cohorts: what each costs and how it is drawn.

For every cohort (an industry's accounts with a value of one metric in one month) that meets
the cohort rule and whose metric declares bounds, a month publishes for non-internal keys:
- its p25, p50, p75 and p90 (one release: the quantile mechanism of private_release.py);
- its roll-up: a sum or a mean is one more release; a median is the released p50 (free:
  post-processing); min and max are never released, one account decides them.

All releases of one industry in one month read the same accounts, so the month's budget is
split evenly over them (`release_epsilon`); cohorts of different industries are disjoint and
each industry spends the whole budget (parallel composition)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from analytics.private_release import (
    MetricBounds,
    Values,
    geometric_candidates,
    private_mean,
    private_percentiles,
    private_sum,
    split_budget,
)

# Roll-ups that spend a release of their own; a median comes free with the percentiles.
_ROLL_UPS_WITH_A_RELEASE = frozenset({"sum", "mean"})
# Roll-ups never released to non-internal keys: a single account decides them.
NEVER_PRIVATE = frozenset({"min", "max"})


@dataclass(frozen=True, slots=True)
class PrivateFigures:
    percentiles: tuple[float, float, float, float]
    roll_up: Decimal | None  # None for min and max
    epsilon: float  # the privacy loss of each of this cohort's releases


def releases_of(aggregation: str) -> int:
    """How many releases a publishable cohort of a metric with this roll-up spends."""
    return 1 + (aggregation in _ROLL_UPS_WITH_A_RELEASE)


def release_epsilon(month_epsilon: float, aggregations: Iterable[str]) -> float:
    """The privacy loss of each release of one industry's month, whose publishable cohorts
    with bounds have these roll-ups (one per cohort)."""
    releases = sum(releases_of(aggregation) for aggregation in aggregations)
    return split_budget(month_epsilon, max(releases, 1))


def private_figures(
    values: Values, *, bounds: MetricBounds, aggregation: str, epsilon: float
) -> PrivateFigures:
    """Draw the cohort's private figures once (they are frozen by the caller)."""
    # Metric values are mostly skewed and non-negative (money, counts, durations): a geometric
    # grid of candidates keeps the percentiles' relative error even across the range.
    candidates = geometric_candidates(bounds) if bounds.lower >= 0 else None
    # The values become floats once for both releases (each would convert them again).
    data = np.asarray(values, dtype=np.float64)
    percentiles = private_percentiles(data, bounds=bounds, epsilon=epsilon, candidates=candidates)
    roll_up: Decimal | None = None
    if aggregation == "sum":
        roll_up = private_sum(data, bounds=bounds, epsilon=epsilon)
    elif aggregation == "mean":
        roll_up = private_mean(data, bounds=bounds, epsilon=epsilon)
    elif aggregation == "median":
        roll_up = Decimal(repr(percentiles[1]))
    return PrivateFigures(percentiles, roll_up, epsilon)
