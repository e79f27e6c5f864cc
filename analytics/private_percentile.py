"""A customer's percentile read off a differentially private release, never off the cohort.

A key that is not internal may own many members of a cohort (an app key with 60 of 150). Exact
percentile ranks of all of them, side by side, would tell how many other members lie between
any two of its own values: enough to pin other customers' values, whatever noise the sector's
figures carry. So for those keys the percentile is a function of the released private p25,
p50, p75 and p90, the metric's declared bounds (public: they are in the definitions) and the
customer's own value only: post-processing of the release, which costs no privacy and tells
nothing the private figures do not. It is also consistent with the figures the key sees: a
value above the released p90 is never "in the bottom half".

The cumulative share is drawn as straight lines through (lower bound, 0), (p25, 25),
(p50, 50), (p75, 75), (p90, 90) and (upper bound, 100); the released figures are sorted first
(each is drawn on its own, so noise can cross them) and kept within the bounds."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

SHARES = (0.0, 25.0, 50.0, 75.0, 90.0, 100.0)


def private_percentile(
    value: float,
    *,
    quantiles: tuple[float, float, float, float],
    lower: float,
    upper: float,
    higher_is_better: bool,
) -> int:
    """The share (0-100, rounded) at or below `value`, or at or above it where lower is
    better, as the private quantiles and the bounds draw the cohort."""
    inner = sorted(min(max(q, lower), upper) for q in quantiles)
    points = [lower, *inner, upper]
    if higher_is_better:
        share = _share_before(points, value, bisect.bisect_right)  # at or below
    else:
        share = 100.0 - _share_before(points, value, bisect.bisect_left)  # strictly below
    return int(Decimal(repr(share)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _share_before(
    points: list[float], value: float, insertion: Callable[[list[float], float], int]
) -> float:
    """The share below the value (`bisect_left`) or at or below it (`bisect_right`): linear
    between the last point before the value and the next, which lies strictly above it."""
    at = insertion(points, value) - 1
    if at < 0:
        return 0.0
    if at == len(points) - 1:
        return 100.0
    low, high = points[at], points[at + 1]
    return SHARES[at] + (SHARES[at + 1] - SHARES[at]) * (value - low) / (high - low)
