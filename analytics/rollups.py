"""Industry roll-ups: one value of a metric for a whole sector, by the metric's aggregation."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from decimal import Decimal, localcontext

from analytics.plain_decimals import without_trailing_zeros

AGGREGATIONS = ("sum", "mean", "median", "min", "max")
# Means and medians of exact decimals are rounded to this many places: enough for any unit.
_PLACES = Decimal("0.000001")


def _mean(values: Sequence[Decimal]) -> Decimal:
    with localcontext() as context:
        context.prec = 40
        return without_trailing_zeros((sum(values, Decimal(0)) / len(values)).quantize(_PLACES))


def _median(values: Sequence[Decimal]) -> Decimal:
    with localcontext() as context:
        context.prec = 40
        return without_trailing_zeros(Decimal(statistics.median(values)).quantize(_PLACES))


_AGGREGATE: dict[str, Callable[[Sequence[Decimal]], Decimal]] = {
    "sum": lambda values: sum(values, Decimal(0)),
    "mean": _mean,
    "median": _median,
    "min": min,
    "max": max,
}


def roll_up(values: Sequence[Decimal], aggregation: str) -> Decimal:
    if not values:
        raise ValueError("roll-up of no values")
    try:
        aggregate = _AGGREGATE[aggregation]
    except KeyError:
        raise ValueError(
            f"unknown aggregation {aggregation!r}: use one of {', '.join(AGGREGATIONS)}"
        ) from None
    return aggregate(values)
