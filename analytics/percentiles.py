"""Percentiles and percentile ranks of one cohort, by the definitions the API documents.

Percentiles use linear interpolation (numpy's default, PostgreSQL's percentile_cont), rounded to
2 decimals. A percentile rank is the share of the cohort at or below the customer's value, or at
or above it for a metric where lower is better, as a whole number from 0 to 100."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import numpy.typing as npt

PERCENTILES = (25, 50, 75, 90)


# numpy and PostgreSQL interpolate in floats by slightly different formulas, so their results
# may differ in the last bits (0.16499999999999998 against 0.16500000000000001). Twelve
# significant digits remove that noise before the half-up rounding to two decimals, so both
# stores publish the same figure.
_SIGNIFICANT_DIGITS = 12


def round_percentile(value: float) -> float:
    """Two decimals, half away from zero, the same for every store's float result."""
    with localcontext() as context:
        context.prec = _SIGNIFICANT_DIGITS
        cleaned = +Decimal(repr(value))
    return float(cleaned.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def percentiles(
    values: Sequence[Decimal | float] | npt.NDArray[np.float64],
) -> tuple[float, float, float, float]:
    """p25, p50, p75 and p90 of the values (which must not be empty)."""
    if len(values) == 0:
        raise ValueError("percentiles of an empty cohort")
    array = np.asarray(values, dtype=np.float64)
    p25, p50, p75, p90 = np.percentile(array, PERCENTILES, method="linear")
    return (
        round_percentile(float(p25)),
        round_percentile(float(p50)),
        round_percentile(float(p75)),
        round_percentile(float(p90)),
    )


def percentile_rank(
    sorted_values: Sequence[Decimal], value: Decimal, *, higher_is_better: bool
) -> int:
    """round(100 x share of the cohort at or below value), or at or above it when lower is
    better; `sorted_values` is the whole cohort in ascending order and includes `value`."""
    if not sorted_values:
        raise ValueError("percentile rank in an empty cohort")
    if higher_is_better:
        count = bisect.bisect_right(sorted_values, value)
    else:
        count = len(sorted_values) - bisect.bisect_left(sorted_values, value)
    share = Decimal(100 * count) / Decimal(len(sorted_values))
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
