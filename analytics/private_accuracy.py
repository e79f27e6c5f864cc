"""How precise a private figure is, said before anyone looks at it: its public a-priori accuracy.

Every private figure (analytics/private_cohorts.py) carries a 95 % accuracy computed from public
facts only: the cohort size (published as `cohortSize`), the release's epsilon, the metric's
declared bounds and the candidate grid they imply. Never from the members' values, so stating it
costs no privacy and two cohorts of the same size and budget carry the same accuracy whatever
their values.

Percentiles (and the median roll-up, which is the released p50). OpenDP 0.16's
`make_private_quantile` scores each candidate c of the grid C for the rank alpha of a cohort of
n values by u(c) = |(1 - alpha) #(x < c) - alpha #(x > c)| (scaled by an integer that OpenDP
divides out again) and picks one by permute-and-flip (`make_noisy_max`, MaxDivergence),
accepting a candidate with probability exp(-(u(c) - u*) / s) where u* is the best score and, in
units of one account, s = 2 / epsilon_q (the calibrated scale: `quantile_noise_scale`; each of
the four percentiles spends epsilon_q = epsilon / 4). A candidate is output only if it is
accepted, so P(output c) <= exp(-(u(c) - u*) / s), and over all candidates whose score is T worse:

    P(u(output) >= u* + T) <= |C| exp(-T / s),  T = s ln(4 |C| / beta)

puts all four percentiles of a set within that score at once with probability 1 - beta (the
4 is the union over the set, so sorting the four afterwards keeps each within its interval).
Since #(x < c) - alpha n <= u(c) and #(x > c) - (1 - alpha) n <= u(c), a release of score at
most U = u* + T lies between the order statistics x_(ceil(alpha n - U)) and
x_(floor(alpha n + U) + 1); with the exact percentiles' linear interpolation (position
1 + p (n - 1)) that is within the exact percentiles at alpha -/+ k / n for

    k = ceil((U + max(alpha, 1 - alpha)) n / (n - 1))   accounts, the rank error,

taking the metric's lower (upper) bound where alpha - k / n < 0 (alpha + k / n > 1). u* is the
one data-dependent term: it is at most 1/2 when no two accounts share a gap of the grid near the
asked rank, and we allow GRID_ALLOWANCE = 1 (two accounts a gap). A cohort crowding more accounts
into one gap of the 1,024-point grid gets a wider error than stated by at most those accounts -
negligible beside T wherever a figure is informative (T is then a quarter of the cohort).

Sum and mean roll-ups carry Laplace noise of the calibrated scale b (`laplace_noise_scale`);
OpenDP's `laplacian_scale_to_accuracy(b, beta)` = b ln(1 / beta) is the 95 % half-width in the
metric's unit. Clamping the release to its possible range and rounding it to 6 places move it
by at most half a unit of the last place towards the exact figure's range, added to be safe.

Informative (`is_informative`): a figure whose stated error is small enough to tell sectors
apart. A percentile set is when k <= n / 4: the p50 then lies, at 95 %, between the cohort's own
p25 and p75, so two sectors whose p50s differ are at least told apart by their middle halves;
any wider and the p50 might be the p25 or the p75 of the cohort. A roll-up is when its half-width
is at most a quarter of its possible range (the bounds' width, times n for a sum): the same
quarter, on the value axis, since a roll-up has no ranks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from opendp.accuracy import laplacian_scale_to_accuracy

from analytics.cohort import MIN_COHORT
from analytics.percentiles import PERCENTILES
from analytics.private_release import (
    MetricBounds,
    default_candidates,
    geometric_candidates,
    laplace_noise_scale,
    quantile_noise_scale,
)

CONFIDENCE = 0.95
BETA = 1 - CONFIDENCE
# The best candidate's score, in accounts, that the stated rank error allows for (see above).
GRID_ALLOWANCE = 1.0
# A figure is informative when its error is at most this share of the cohort (percentiles) or
# of its possible range (roll-ups): the p50 within the cohort's own p25..p75.
INFORMATIVE_SHARE = 0.25
# Half a unit of the 6th place a released roll-up is rounded to.
_ROUNDING = 5e-7


@dataclass(frozen=True, slots=True)
class FigureAccuracy:
    """The 95 % a-priori accuracy of one private figure (a percentile set or a roll-up)."""

    confidence: float
    # Percentiles: each released percentile lies between the exact ones rank_error accounts
    # below and above its rank. None for a sum or mean roll-up.
    rank_error: int | None
    # Sum and mean roll-ups: the released value lies within this of the exact one, in the
    # metric's unit. None for percentiles.
    half_width: float | None
    informative: bool
    # How many times the release's epsilon would make the figure informative; None when no
    # budget can (a cohort too small for its percentiles ever to be within a quarter).
    budget_factor: float | None
    cohort_size: int

    @property
    def rank_error_percent(self) -> float | None:
        """The rank error as percentage points of the cohort (k / n x 100)."""
        if self.rank_error is None:
            return None
        return round(100 * self.rank_error / self.cohort_size, 1)


def candidates_of(bounds: MetricBounds) -> tuple[float, ...]:
    """The grid a cohort of a metric with these bounds is released over (private_cohorts.py)."""
    return geometric_candidates(bounds) if bounds.lower >= 0 else default_candidates(bounds)


def rank_error(
    size: int, *, scale: float, candidates: int, allowance: float = GRID_ALLOWANCE
) -> int:
    """k of the module's formula for a percentile set whose quantiles have noise `scale`."""
    if size < 2:
        raise ValueError(f"a rank error needs a cohort of at least 2, got {size}")
    threshold = scale * math.log(len(PERCENTILES) * candidates / BETA)
    widest = max(max(p / 100, 1 - p / 100) for p in PERCENTILES)
    return math.ceil((threshold + allowance + widest) * size / (size - 1))


# OpenDP's quantile noise is in units of the score (accounts), so its calibrated scale depends on
# epsilon only, never on the cohort's size, bounds or grid (a test checks it), but for float
# rounding of about 1e-12 that the margin covers: one calibration per industry's epsilon instead
# of one per cohort (7 ms each, cold).
_SCALE_MARGIN = 1 + 1e-9
_REFERENCE = MetricBounds(Decimal(0), Decimal(1))


@lru_cache(maxsize=1024)
def _quantile_scale(epsilon: float) -> float:
    reference = quantile_noise_scale(
        MIN_COHORT, bounds=_REFERENCE, epsilon=epsilon, candidates=(0.0, 1.0)
    )
    return reference * _SCALE_MARGIN


@lru_cache(maxsize=8192)
def percentile_accuracy(size: int, *, bounds: MetricBounds, epsilon: float) -> FigureAccuracy:
    """The accuracy of a cohort's private p25..p90 released with `epsilon` (also its median)."""
    grid = candidates_of(bounds)
    scale = _quantile_scale(epsilon)
    error = rank_error(size, scale=scale, candidates=len(grid))
    limit = INFORMATIVE_SHARE * size
    # k is affine in the scale, which is 1 / epsilon: the scale that reaches the limit, if any.
    noiseless = rank_error(size, scale=0.0, candidates=len(grid))
    factor: float | None = None
    if noiseless <= limit:
        low, high = 0.0, scale
        # The largest scale whose ceil'd k stays within the limit, by bisection (k is monotone).
        for _ in range(60):
            middle = (low + high) / 2
            if rank_error(size, scale=middle, candidates=len(grid)) <= limit:
                low = middle
            else:
                high = middle
        factor = scale / low if low > 0 else None
    return FigureAccuracy(
        confidence=CONFIDENCE,
        rank_error=error,
        half_width=None,
        informative=error <= limit,
        budget_factor=None if factor is None else max(factor, 1.0),
        cohort_size=size,
    )


@lru_cache(maxsize=8192)
def roll_up_accuracy(
    size: int, aggregation: str, *, bounds: MetricBounds, epsilon: float
) -> FigureAccuracy:
    """The accuracy of a cohort's private roll-up: a median is its released p50."""
    if aggregation == "median":
        return percentile_accuracy(size, bounds=bounds, epsilon=epsilon)
    scale = laplace_noise_scale(size, aggregation, bounds=bounds, epsilon=epsilon)
    half_width = float(laplacian_scale_to_accuracy(scale, BETA)) + _ROUNDING
    width = float(bounds.upper - bounds.lower) * (size if aggregation == "sum" else 1)
    limit = INFORMATIVE_SHARE * width
    return FigureAccuracy(
        confidence=CONFIDENCE,
        rank_error=None,
        half_width=half_width,
        informative=half_width <= limit,
        # The half-width is proportional to 1 / epsilon.
        budget_factor=max(half_width / limit, 1.0),
        cohort_size=size,
    )


def rank_interval(
    values: list[float], alpha: float, error: int, *, bounds: MetricBounds
) -> tuple[float, float]:
    """The exact percentiles at alpha -/+ error / n of sorted `values` (linear interpolation),
    or the bounds beyond the cohort: where a release stated with this rank error lies at 95 %.
    For tests and audits: it reads the members' values."""
    size = len(values)
    lower_share, upper_share = alpha - error / size, alpha + error / size
    lower = float(bounds.lower) if lower_share < 0 else _linear(values, lower_share)
    upper = float(bounds.upper) if upper_share > 1 else _linear(values, upper_share)
    return lower, upper


def _linear(values: list[float], share: float) -> float:
    position = share * (len(values) - 1)
    below = math.floor(position)
    above = min(below + 1, len(values) - 1)
    return values[below] + (values[above] - values[below]) * (position - below)


def describe(accuracy: FigureAccuracy | None, *, unit_text: str | None = None) -> str:
    """One plain sentence on a figure's precision, for the API, pages and slides."""
    if accuracy is None:
        return "Exact figure."
    if accuracy.rank_error is not None and accuracy.rank_error >= accuracy.cohort_size:
        # More accounts than the cohort has: the release may be anywhere in the bounds.
        precision = "it may lie anywhere within the metric's bounds"
    elif accuracy.rank_error is not None:
        precision = (
            f"each percentile lies within {accuracy.rank_error} of the {accuracy.cohort_size} "
            f"accounts ({accuracy.rank_error_percent:g} percentile points) of its rank"
        )
    else:
        precision = f"it lies within ±{unit_text or f'{accuracy.half_width:g}'} of the exact value"
    verdict = ": too imprecise to compare sectors" if not accuracy.informative else ""
    return f"At 95% confidence {precision}{verdict}."


def budget_needed(month_epsilon: float, factor: float | None) -> Decimal | None:
    """The monthly epsilon that would make a figure informative, rounded up to 2 significant
    digits; None when no budget would."""
    if factor is None:
        return None
    needed = Decimal(repr(month_epsilon * factor))
    digits = needed.adjusted() - 1
    step = Decimal(1).scaleb(digits)
    return (needed / step).to_integral_value(rounding="ROUND_CEILING") * step


@dataclass(frozen=True, slots=True)
class MonthPrecision:
    """How many of a published month's private figures are informative, and what budget the
    others would need."""

    figures: int
    informative: int
    # Uninformative figures that no budget makes informative (too few accounts).
    hopeless: int
    # The monthly epsilon that would make every other figure informative, and half of them;
    # None when none needs one.
    budget_for_the_rest: Decimal | None
    budget_for_half: Decimal | None = None

    def sentences(self, month_epsilon: float) -> list[str]:
        """One or two lines for `profiling publish`."""
        if self.figures == 0:
            return []
        lines = [
            f"{self.informative} of {self.figures} private figures are precise enough to tell "
            f"sectors apart (95% error within a quarter of the cohort or range) at epsilon "
            f"{month_epsilon:g} a month."
        ]
        if self.budget_for_the_rest is not None:
            never = f"; {self.hopeless} never would (cohorts too small)" if self.hopeless else ""
            everyone = _plain(self.budget_for_the_rest)
            half = self.budget_for_half
            if half is not None and half < self.budget_for_the_rest:
                advice = (
                    f"{_plain(half)} would make half of the others so; {everyone} every one "
                    "that any budget can"
                )
            else:
                advice = f"{everyone} would make every one that any budget can so"
            lines.append(f"PROFILING_PRIVACY_EPSILON={advice}{never}.")
        elif self.hopeless:
            lines.append(
                f"The other {self.hopeless} never would at any budget (cohorts too small)."
            )
        return lines


def month_precision(accuracies: list[FigureAccuracy], month_epsilon: float) -> MonthPrecision:
    """The summary of a month's private figures' accuracies."""
    rest = [accuracy for accuracy in accuracies if not accuracy.informative]
    factors = [accuracy.budget_factor for accuracy in rest if accuracy.budget_factor is not None]
    factors.sort()
    return MonthPrecision(
        figures=len(accuracies),
        informative=len(accuracies) - len(rest),
        hopeless=len(rest) - len(factors),
        budget_for_the_rest=budget_needed(month_epsilon, factors[-1]) if factors else None,
        # Half of the uninformative figures, those a budget can help counted first.
        budget_for_half=(
            budget_needed(month_epsilon, factors[(len(rest) + 1) // 2 - 1])
            if len(factors) >= (len(rest) + 1) // 2 > 0
            else None
        ),
    )


def _plain(number: Decimal) -> str:
    """210, not 2.1E+2."""
    return f"{number.normalize():f}"
