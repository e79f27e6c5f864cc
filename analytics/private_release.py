"""Differentially private (DP) releases of cross-account figures for non-internal API keys.

Sector benchmarks (p25, p50, p75 and p90 of a metric over an industry's accounts) and industry
roll-ups (sum, mean, median) are, for a cohort of 5, close to members' own values. Every key
that is not internal gets instead a release drawn here ONCE, when the month is published, and
stored: serving the stored figure again costs no privacy, drawing a new one on every request
would (an attacker averages the draws). Min and max have no useful DP release (one account
decides them) and are refused: `private_roll_up` raises for them.

Privacy unit. Each account contributes one value per metric and month. The guarantee is
epsilon-DP against *replacing* one account's values by any others (bounded DP; OpenDP's sized
vector domain with symmetric distance 2): whatever one account's figures for a month are, the
month's releases are at most e^epsilon times more or less likely. The cohort size is public
(the API publishes `cohortSize` and the cohort rule of at least 5 accounts), so membership is
not protected, only the values. Values are clamped to the metric's declared bounds
[lower, upper] before anything is computed; the bounds and the candidate grid of the
percentiles depend on the metric definition only, never on the data.

Budget accounting (basic composition, `split_budget`):
- A month has `PrivateBudget.epsilon` per account. Each account belongs to exactly one
  industry, so the cohorts of different industries are disjoint and their releases compose in
  parallel: every industry may spend the whole epsilon.
- Within one industry, every release of the month reads the same accounts, so they compose
  sequentially: the month's epsilon is split evenly over all of them, one share for each
  (metric) percentile set and one for each (metric, aggregation) roll-up:
  `share = split_budget(epsilon, releases)`. The number of releases must be fixed when the
  month is published (a release added later would overspend).
- A percentile set spends its share as four quantile releases of share/4 each (OpenDP's
  composition checks the sum). The mean of a metric whose sum is released can be derived from
  the released sum / cohort size for free (post-processing) instead of spending a share.
- Months compose sequentially over time: an account present for 12 published months has
  lost up to 12 x epsilon over the year. The budget is per month, not a lifetime bound.
- A revised month (`publish --revise`) that draws again spends again: it keeps the stored
  draws of cohorts whose values did not change, and the new draws are counted against the
  month by the privacy accountant (analytics/privacy_loss.py), under a cap per month.
- Sorting, rounding and clamping a released figure to its bounds are post-processing and
  cost nothing; so is a customer's percentile read off the released figures
  (analytics/private_percentile.py), which is what non-internal keys get. Anything else
  derived from members' values and shown to them would be outside this guarantee.

OpenDP features: only "contrib" is enabled (at import, process-wide), because every OpenDP
constructor used here is contributed code that the library gates behind it. The old
"floating-point" flag is not needed: in OpenDP 0.16 the float clamp, sums, mean and Laplace
mechanism account for floating-point rounding in their privacy maps (the flag is now called
"idealized-numerics", only the numpy/sklearn extras need it, and its old name raises a
DeprecationWarning). The OpenDP modules are imported one by one, not through opendp.prelude,
which imports scikit-learn through its extras (about 2 s at start-up). Noise comes from
OpenDP's own cryptographically secure generator, which cannot be seeded: releases are not
reproducible, so store them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import opendp.combinators as dpc
import opendp.measurements as dpm
import opendp.transformations as dpt
from opendp.domains import atom_domain, vector_domain
from opendp.measures import max_divergence
from opendp.metrics import symmetric_distance
from opendp.mod import Measurement, Transformation, enable_features

from analytics.percentiles import PERCENTILES, round_percentile
from analytics.plain_decimals import without_trailing_zeros

enable_features("contrib")

# Replacing one account's value is a symmetric distance of 2 (one removed, one added) between
# two cohorts of the same, public, size.
NEIGHBOUR_DISTANCE = 2
DEFAULT_CANDIDATES = 1024
PRIVATE_AGGREGATIONS = ("sum", "mean", "median")
REFUSED_AGGREGATIONS = ("min", "max")
# Released roll-ups carry as many places as the exact ones of analytics.rollups.
_PLACES = Decimal("0.000001")

# A cohort's values as given (exact decimals or floats), or already as one float array.
Values = Sequence[Decimal | float] | npt.NDArray[np.float64]


@dataclass(frozen=True)
class MetricBounds:
    """The range a metric definition declares; every value is clamped to it."""

    lower: Decimal
    upper: Decimal

    def __post_init__(self) -> None:
        if not (self.lower.is_finite() and self.upper.is_finite()):
            raise ValueError(f"metric bounds must be finite, got [{self.lower}, {self.upper}]")
        if not float(self.lower) < float(self.upper):
            raise ValueError(f"metric bounds need lower < upper, got [{self.lower}, {self.upper}]")

    @classmethod
    def declared(cls, lower: Decimal | None, upper: Decimal | None) -> MetricBounds | None:
        """The bounds a definition (or a frozen release) gives, if it gives a usable pair."""
        if lower is None or upper is None or not lower < upper:
            return None
        return cls(lower, upper)

    @property
    def as_floats(self) -> tuple[float, float]:
        return float(self.lower), float(self.upper)


@dataclass(frozen=True)
class PrivateBudget:
    """Epsilon that one account may lose per published month (in each industry's releases)."""

    epsilon: float

    def __post_init__(self) -> None:
        _check_epsilon(self.epsilon)

    def share(self, releases: int) -> float:
        """Epsilon for each of the month's `releases` releases of one industry."""
        return split_budget(self.epsilon, releases)


def split_budget(epsilon: float, releases: int) -> float:
    """Even split of a month's epsilon over one industry's releases by basic composition;
    rounded down so that releases x share never exceeds epsilon."""
    _check_epsilon(epsilon)
    if releases < 1:
        raise ValueError(f"a month needs at least one release to split its budget, got {releases}")
    share = epsilon / releases
    while Fraction(share) * releases > Fraction(epsilon):
        share = math.nextafter(share, 0.0)
    return share


# The grids depend on the definition only and are asked for once per cohort: a month of 240
# cohorts rebuilt the same few grids 240 times.
@lru_cache(maxsize=64)
def default_candidates(bounds: MetricBounds, count: int = DEFAULT_CANDIDATES) -> tuple[float, ...]:
    """`count` evenly spaced quantile candidates from lower to upper, both included (fewer
    where the bounds are too close for `count` distinct floats)."""
    if count < 2:
        raise ValueError(f"a candidate grid needs at least 2 points, got {count}")
    lower, upper = bounds.as_floats
    grid = np.linspace(lower, upper, count, dtype=np.float64)
    return tuple(sorted({min(max(float(point), lower), upper) for point in grid}))


@lru_cache(maxsize=64)
def geometric_candidates(
    bounds: MetricBounds, count: int = DEFAULT_CANDIDATES, *, smallest: Decimal | None = None
) -> tuple[float, ...]:
    """`count` candidates spaced geometrically up to upper, for a skewed metric with
    lower >= 0 (revenue-like): as many candidates between 1 and 10 as between 100 and 1000,
    so small cohorts' releases land near the typical values more often. From lower when it is
    > 0; from 0 then `smallest` (default upper / 1000) when lower is 0. Depends on the
    metric's definition only, never on its data."""
    if count < 2:
        raise ValueError(f"a candidate grid needs at least 2 points, got {count}")
    lower, upper = bounds.as_floats
    if lower < 0:
        raise ValueError(f"a geometric grid needs lower >= 0, got {bounds.lower}")
    if lower > 0:
        points = [float(point) for point in np.geomspace(lower, upper, count)]
    else:
        start = upper / 1000 if smallest is None else float(smallest)
        if not 0 < start < upper:
            raise ValueError(f"smallest must lie strictly between 0 and {upper}, got {smallest}")
        points = [lower, *(float(point) for point in np.geomspace(start, upper, count - 1))]
    clamped = [min(max(point, lower), upper) for point in points]
    return tuple(sorted(set(clamped)))


def percentiles_measurement(
    size: int,
    *,
    bounds: MetricBounds,
    epsilon: float,
    candidates: Sequence[float] | None = None,
) -> Measurement:
    """The OpenDP measurement behind `private_percentiles` (an `opendp.mod.Measurement`):
    exposed so that tests and audits can read its `privacy_loss`."""
    _check_size(size)
    _check_epsilon(epsilon)
    grid = _checked_candidates(bounds, candidates)
    return _percentiles_measurement(size, bounds.as_floats, epsilon, grid)


def private_percentiles(
    values: Values,
    *,
    bounds: MetricBounds,
    epsilon: float,
    candidates: Sequence[float] | None = None,
) -> tuple[float, float, float, float]:
    """p25, p50, p75 and p90 of the cohort, epsilon-DP, each chosen from `candidates` (by
    default DEFAULT_CANDIDATES evenly spaced points over the bounds) by OpenDP's quantile
    mechanism with epsilon/4. Sorted (so monotone) and rounded like analytics.percentiles:
    each lies within [round_percentile(lower), round_percentile(upper)]."""
    data = _checked_values(values)
    measurement = percentiles_measurement(
        len(data), bounds=bounds, epsilon=epsilon, candidates=candidates
    )
    released = sorted(_release_many(measurement, data))
    p25, p50, p75, p90 = (_rounded_within(value, bounds) for value in released)
    return p25, p50, p75, p90


def private_median(
    values: Values,
    *,
    bounds: MetricBounds,
    epsilon: float,
    candidates: Sequence[float] | None = None,
) -> Decimal:
    """The cohort's median, epsilon-DP, by the quantile mechanism over `candidates`."""
    data = _checked_values(values)
    _check_epsilon(epsilon)
    grid = _checked_candidates(bounds, candidates)
    measurement = _quantile_measurement(len(data), bounds.as_floats, epsilon, grid, 0.5)
    return _decimal_within(_release_one(measurement, data), bounds.lower, bounds.upper)


def private_sum(values: Values, *, bounds: MetricBounds, epsilon: float) -> Decimal:
    """The sum of the clamped values plus Laplace noise scaled to (upper - lower) / epsilon,
    clamped to [size x lower, size x upper]."""
    data = _checked_values(values)
    _check_epsilon(epsilon)
    measurement = _sum_measurement(len(data), bounds.as_floats, epsilon)
    size = Decimal(len(data))
    return _decimal_within(
        _release_one(measurement, data), size * bounds.lower, size * bounds.upper
    )


def private_mean(values: Values, *, bounds: MetricBounds, epsilon: float) -> Decimal:
    """The mean of the clamped values over the public cohort size (OpenDP's sized mean) plus
    Laplace noise scaled to (upper - lower) / (size x epsilon), clamped to the bounds."""
    data = _checked_values(values)
    _check_epsilon(epsilon)
    measurement = _mean_measurement(len(data), bounds.as_floats, epsilon)
    return _decimal_within(_release_one(measurement, data), bounds.lower, bounds.upper)


def private_roll_up(
    values: Values, aggregation: str, *, bounds: MetricBounds, epsilon: float
) -> Decimal:
    """The DP counterpart of analytics.rollups.roll_up; min and max are refused."""
    _check_aggregation(aggregation)
    if aggregation == "sum":
        return private_sum(values, bounds=bounds, epsilon=epsilon)
    if aggregation == "mean":
        return private_mean(values, bounds=bounds, epsilon=epsilon)
    return private_median(values, bounds=bounds, epsilon=epsilon)


def roll_up_measurement(
    size: int,
    aggregation: str,
    *,
    bounds: MetricBounds,
    epsilon: float,
    candidates: Sequence[float] | None = None,
) -> Measurement:
    """The OpenDP measurement behind `private_roll_up` (candidates only matter for the
    median): exposed so that tests and audits can read its `privacy_loss`."""
    _check_aggregation(aggregation)
    _check_size(size)
    _check_epsilon(epsilon)
    if aggregation == "sum":
        return _sum_measurement(size, bounds.as_floats, epsilon)
    if aggregation == "mean":
        return _mean_measurement(size, bounds.as_floats, epsilon)
    grid = _checked_candidates(bounds, candidates)
    return _quantile_measurement(size, bounds.as_floats, epsilon, grid, 0.5)


def privacy_loss(measurement: Measurement, *, replaced_accounts: int = 1) -> float:
    """Epsilon that OpenDP's privacy map gives a measurement of this module when
    `replaced_accounts` accounts of the cohort have other values."""
    privacy_map: Callable[[int], float] = measurement.map
    return float(privacy_map(NEIGHBOUR_DISTANCE * replaced_accounts))


# --- checks ---------------------------------------------------------------------------------


def _check_epsilon(epsilon: float) -> None:
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"epsilon must be a finite number > 0, got {epsilon!r}")


def _check_aggregation(aggregation: str) -> None:
    if aggregation in REFUSED_AGGREGATIONS:
        raise ValueError(f"{aggregation} roll-ups have no private release: refuse them")
    if aggregation not in PRIVATE_AGGREGATIONS:
        raise ValueError(
            f"unknown aggregation {aggregation!r}: use one of {', '.join(PRIVATE_AGGREGATIONS)}"
        )


def _check_size(size: int) -> None:
    if size < 1:
        raise ValueError("no private release of an empty cohort")


def _checked_values(values: Values) -> npt.NDArray[np.float64]:
    """The values as one float array (no copy when they are one already): OpenDP takes an
    array as a single buffer, a list value by value through its type checks (most of a
    month's publish at 200,000 values)."""
    if len(values) == 0:
        raise ValueError("no private release of an empty cohort")
    data = np.asarray(values, dtype=np.float64)
    if data.ndim != 1 or not np.isfinite(data).all():
        raise ValueError("cohort values must be finite numbers")
    return data


def _checked_candidates(
    bounds: MetricBounds, candidates: Sequence[float] | None
) -> tuple[float, ...]:
    if candidates is None:
        return default_candidates(bounds)
    return _checked_grid(bounds.as_floats, tuple(map(float, candidates)))


@lru_cache(maxsize=64)
def _checked_grid(bounds: tuple[float, float], grid: tuple[float, ...]) -> tuple[float, ...]:
    """The checks of a grid, once per grid and bounds (the same few for every cohort)."""
    lower, upper = bounds
    if not grid:
        raise ValueError("the quantile candidates must not be empty")
    if not all(lower <= candidate <= upper for candidate in grid):
        raise ValueError(f"quantile candidates must lie within [{lower}, {upper}]")
    if any(later <= earlier for earlier, later in pairwise(grid)):
        raise ValueError("quantile candidates must be strictly increasing")
    return grid


# --- OpenDP measurements (cached: a measurement holds no data, only its parameters) -----------


def _clamped(size: int, bounds: tuple[float, float]) -> Transformation:
    """Cohorts of the public `size`, neighbours by symmetric distance, clamped to the bounds."""
    domain = vector_domain(atom_domain(T=float, nan=False), size=size)
    return dpt.make_clamp(domain, symmetric_distance(), bounds)


def _release_one(measurement: Measurement, data: npt.NDArray[np.float64]) -> float:
    release: Callable[[npt.NDArray[np.float64]], object] = measurement
    return _number(release(data))


def _number(value: object) -> float:
    if not isinstance(value, int | float):  # pragma: no cover - OpenDP's declared output type
        raise TypeError(f"OpenDP released {value!r} where a number was expected")
    return float(value)


def _release_many(measurement: Measurement, data: npt.NDArray[np.float64]) -> list[float]:
    release: Callable[[npt.NDArray[np.float64]], object] = measurement
    values = release(data)
    if not isinstance(values, list):  # pragma: no cover - OpenDP's declared output type
        raise TypeError(f"OpenDP released {values!r} where a list was expected")
    return [_number(value) for value in values]


def _calibrated(build: Callable[[float], Measurement], epsilon: float) -> Measurement:
    """The measurement with the smallest noise scale whose loss at NEIGHBOUR_DISTANCE is at
    most epsilon, as OpenDP's own privacy map computes it (loss is proportional to 1/scale)."""
    return _calibration(build, epsilon)[1]


def _calibration(
    build: Callable[[float], Measurement], epsilon: float
) -> tuple[float, Measurement]:
    """`_calibrated`'s noise scale and measurement."""
    scale = privacy_loss(build(1.0)) / epsilon
    for _ in range(64):
        measurement = build(scale)
        if privacy_loss(measurement) <= epsilon:
            return scale, measurement
        scale = math.nextafter(scale, math.inf) * (1 + 1e-12)
    raise RuntimeError(f"no noise scale reaches epsilon {epsilon!r}")  # pragma: no cover


@lru_cache(maxsize=512)
def _quantile_measurement(
    size: int, bounds: tuple[float, float], epsilon: float, grid: tuple[float, ...], alpha: float
) -> Measurement:
    return _quantile_calibration(size, bounds, epsilon, grid, alpha)[1]


@lru_cache(maxsize=512)
def _quantile_calibration(
    size: int, bounds: tuple[float, float], epsilon: float, grid: tuple[float, ...], alpha: float
) -> tuple[float, Measurement]:
    clamp = _clamped(size, bounds)

    def build(scale: float) -> Measurement:
        quantile = dpm.make_private_quantile(
            clamp.output_domain,
            clamp.output_metric,
            max_divergence(),
            # An array crosses into OpenDP as one buffer; a list, candidate by candidate.
            np.asarray(grid, dtype=np.float64),
            alpha,
            scale,
        )
        return clamp >> quantile

    return _calibration(build, epsilon)


def _quantile_share(epsilon: float) -> float:
    """Epsilon of each of a percentile set's four quantile releases: a hair under epsilon/4,
    so that the float sum of the four losses stays <= epsilon."""
    return split_budget(epsilon, len(PERCENTILES)) * (1 - 1e-9)


@lru_cache(maxsize=512)
def _percentiles_measurement(
    size: int, bounds: tuple[float, float], epsilon: float, grid: tuple[float, ...]
) -> Measurement:
    share = _quantile_share(epsilon)
    parts = [
        _quantile_measurement(size, bounds, share, grid, percentile / 100)
        for percentile in PERCENTILES
    ]
    composed = dpc.make_composition(parts)
    if privacy_loss(composed) > epsilon:  # pragma: no cover - OpenDP's map is the judge
        raise RuntimeError(f"percentile release overspends epsilon {epsilon!r}")
    return composed


def quantile_noise_scale(
    size: int,
    *,
    bounds: MetricBounds,
    epsilon: float,
    candidates: Sequence[float] | None = None,
) -> float:
    """The noise scale, in units of OpenDP's quantile score (one account = 1), of each quantile
    release of a percentile set of `epsilon`: the largest of the four (they differ only by
    float rounding in OpenDP's map). Public: it depends on the size, epsilon and grid only."""
    _check_size(size)
    _check_epsilon(epsilon)
    grid = _checked_candidates(bounds, candidates)
    share = _quantile_share(epsilon)
    return max(
        _quantile_calibration(size, bounds.as_floats, share, grid, percentile / 100)[0]
        for percentile in PERCENTILES
    )


def laplace_noise_scale(
    size: int, aggregation: str, *, bounds: MetricBounds, epsilon: float
) -> float:
    """The Laplace scale, in the metric's unit, of a private sum or mean roll-up of `epsilon`."""
    _check_size(size)
    _check_epsilon(epsilon)
    if aggregation == "sum":
        return _sum_calibration(size, bounds.as_floats, epsilon)[0]
    if aggregation == "mean":
        return _mean_calibration(size, bounds.as_floats, epsilon)[0]
    raise ValueError(f"a {aggregation} roll-up carries no Laplace noise")


def _noisy(aggregate: Transformation, epsilon: float) -> tuple[float, Measurement]:
    def build(scale: float) -> Measurement:
        laplace = dpm.make_laplace(aggregate.output_domain, aggregate.output_metric, scale)
        return aggregate >> laplace

    return _calibration(build, epsilon)


@lru_cache(maxsize=512)
def _sum_calibration(
    size: int, bounds: tuple[float, float], epsilon: float
) -> tuple[float, Measurement]:
    clamp = _clamped(size, bounds)
    return _noisy(clamp >> dpt.make_sum(clamp.output_domain, clamp.output_metric), epsilon)


@lru_cache(maxsize=512)
def _mean_calibration(
    size: int, bounds: tuple[float, float], epsilon: float
) -> tuple[float, Measurement]:
    clamp = _clamped(size, bounds)
    return _noisy(clamp >> dpt.make_mean(clamp.output_domain, clamp.output_metric), epsilon)


def _sum_measurement(size: int, bounds: tuple[float, float], epsilon: float) -> Measurement:
    return _sum_calibration(size, bounds, epsilon)[1]


def _mean_measurement(size: int, bounds: tuple[float, float], epsilon: float) -> Measurement:
    return _mean_calibration(size, bounds, epsilon)[1]


# --- post-processing --------------------------------------------------------------------------


def _rounded_within(value: float, bounds: MetricBounds) -> float:
    """round_percentile of a value clamped to the bounds (so within the rounded bounds)."""
    lower, upper = bounds.as_floats
    return round_percentile(min(max(value, lower), upper))


def _decimal_within(value: float, lower: Decimal, upper: Decimal) -> Decimal:
    """The released float as a Decimal of at most 6 places, clamped to [lower, upper]."""
    with localcontext() as context:
        context.prec = 40
        exact = min(max(Decimal(repr(value)), lower), upper)
        places = exact.quantize(_PLACES)
        if places > upper:
            places = upper.quantize(_PLACES, rounding=ROUND_FLOOR)
        elif places < lower:
            places = lower.quantize(_PLACES, rounding=ROUND_CEILING)
        return without_trailing_zeros(places)
