"""The insight sentence of a customer-versus-sector comparison: five bands, always phrased so
that "top" means better, whichever way the metric points."""

from __future__ import annotations

from enum import Enum


class Band(Enum):
    TOP_10 = "in the top 10%"
    TOP_QUARTILE = "in the top quartile"
    ABOVE_MEDIAN = "above the median"
    BOTTOM_HALF = "in the bottom half"
    BOTTOM_QUARTILE = "in the bottom quartile"


def band(percentile: int) -> Band:
    """The band of a percentile rank that is already measured in the "better" direction.

    The bands of the benchmarks engine: at 90 and up the top 10%, at 75 the top quartile, at
    50 above the median, at 25 the bottom half, below 25 the bottom quartile (a customer
    exactly at the median is "above the median", as the engine says)."""
    if percentile >= 90:
        return Band.TOP_10
    if percentile >= 75:
        return Band.TOP_QUARTILE
    if percentile >= 50:
        return Band.ABOVE_MEDIAN
    if percentile >= 25:
        return Band.BOTTOM_HALF
    return Band.BOTTOM_QUARTILE


def insight(
    *,
    metric: str,
    formatted_value: str,
    sector: str,
    percentile: int,
    higher_is_better: bool,
) -> str:
    """E.g. "Your reply rate of 42.5% is in the top quartile of Retail: as high as or higher
    than 80% of its accounts." For lower-is-better metrics it says "as low as or lower than"."""
    label = metric.replace("_", " ")
    direction = "as high as or higher than" if higher_is_better else "as low as or lower than"
    return (
        f"Your {label} of {formatted_value} is {band(percentile).value} of {sector}: "
        f"{direction} {percentile}% of its accounts."
    )


def unplaced(*, metric: str, formatted_value: str, sector: str) -> str:
    """The sentence for a value whose sector figures are too imprecise to place it: no band,
    which the noise could have put anywhere."""
    label = metric.replace("_", " ")
    return (
        f"Your {label} of {formatted_value} cannot be placed in {sector} this month: the "
        "sector's private figures are too imprecise at the configured privacy budget."
    )
