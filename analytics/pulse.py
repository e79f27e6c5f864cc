"""The monthly public benchmark report's words: a summary of frozen, publishable cohorts only."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from analytics.counts import counted
from analytics.privacy_loss import revisions_named

METHODOLOGY = (
    "Each benchmark describes one predeclared cohort: the accounts of one sector with a value "
    "of one metric in one calendar month. Percentiles (p25, p50, p75, p90) use linear "
    "interpolation between the two nearest values (as PostgreSQL's percentile_cont and numpy's "
    "default) and are rounded to two decimals. A cohort is published only when at least "
    "{minimum} distinct accounts contribute to it, so no figure describes a single customer; "
    "smaller cohorts are withheld, and a withheld cohort looks the same whatever its size. "
    "Months are frozen when published: late data does not change them, and a published month "
    "is recomputed only when no cohort's membership would change by fewer than 5 accounts "
    "against any earlier revision. {privacy}"
)
EXACT_FIGURES = "The figures are exact (this report was asked for with an internal key)."
PRIVATE_FIGURES = (
    "The figures are differentially private: each was drawn once, when its month was "
    "published, by OpenDP's mechanisms from values clamped to the metric's declared bounds, "
    "with a privacy budget (epsilon) of {epsilon} per month and industry shared by that "
    "month's releases, and {cost}; no combination of them reveals one account's value. Each "
    "states its 95% accuracy (accuracy, informative), and this summary cites only those "
    "precise enough to tell sectors apart."
)
MONTH_COST = "a month's revisions may together cost one account at most {cap}"
# A month with revisions published before the privacy accountant whose epsilon nobody declared:
# what it cost is not known, and no figure is stated that could be below it.
UNKNOWN_MONTH_COST = (
    "what this month's revisions together cost one account is not known ({revisions} "
    "published before their epsilon was recorded; the month takes no new draw until it is "
    "declared)"
)
# For keys that get private figures: metrics that declared no bounds when the month was
# published have no private release of it.
INTERNAL_ONLY_METRICS = (
    " Metrics without declared bounds when this month was published ({metrics}) have no "
    "private release: their figures go to internal keys only."
)


@dataclass(frozen=True, slots=True)
class SectorMedian:
    sector: str
    metric: str
    median: float
    higher_is_better: bool
    # Whether the median is precise enough to tell sectors apart (analytics/private_accuracy.py):
    # always for exact figures; a private one only when its stated 95 % error is small enough.
    informative: bool = True


NONE_INFORMATIVE = (
    "No sector's private figures are precise enough this month at the configured privacy "
    "budget to name a best sector: each lies too far from the exact one at 95% confidence "
    "(see each benchmark's accuracy)."
)
# Past this many comparable medians the summary cites only the largest changes.
MOST_CHANGES = 5
SOME_UNINFORMATIVE = (
    "No sector's private {metrics} figures are precise enough this month at the configured "
    "privacy budget to name a best sector."
)


def month_label(month: dt.date) -> str:
    return f"{month:%B %Y}"


def summarize(
    *,
    month: dt.date,
    current: Sequence[SectorMedian],
    previous: Sequence[SectorMedian],
    previous_month: dt.date | None,
    minimum: int,
    formatted: Callable[[str, float], str],
) -> list[str]:
    """Sentences for the report: coverage, the best sector of each metric, and each sector
    median's change against the previous published month. `formatted(metric, value)` renders
    a value in the metric's unit. Only publishable cohorts may be passed in."""
    sectors = sorted({item.sector for item in current})
    metrics = sorted({item.metric for item in current})
    lines = [
        f"{month_label(month)}: {counted(len(sectors), 'sector', 'sectors')} and "
        f"{counted(len(metrics), 'metric', 'metrics')} had at least {minimum} contributing "
        "accounts."
    ]
    # Only informative medians are ever cited: a sentence built on noise would tell a story
    # the data does not.
    imprecise = []
    ranked = [
        metric for metric in metrics if len({i.sector for i in current if i.metric == metric}) > 1
    ]
    for metric in ranked:  # the best of a single sector says nothing
        cohorts = [item for item in current if item.metric == metric and item.informative]
        if not cohorts:
            imprecise.append(metric.replace("_", " "))
            continue
        better = max if cohorts[0].higher_is_better else min
        best = better(cohorts, key=lambda item: (item.median, item.sector))
        lines.append(
            f"Best {metric.replace('_', ' ')}: {best.sector} "
            f"(median {formatted(metric, best.median)})."
        )
    if imprecise and len(imprecise) == len(ranked):
        lines.append(NONE_INFORMATIVE)
    elif imprecise:
        lines.append(SOME_UNINFORMATIVE.format(metrics=", ".join(imprecise)))
    if previous_month is not None:
        lines.extend(_changes(current, previous, previous_month, formatted))
    return lines


def _changes(
    current: Sequence[SectorMedian],
    previous: Sequence[SectorMedian],
    previous_month: dt.date,
    formatted: Callable[[str, float], str],
) -> list[str]:
    """Each informative sector median against the previous month's. A summary of a month with
    many sectors and metrics (the demo's: over a hundred medians) would be a list, not a
    summary: past MOST_CHANGES comparable medians only the largest relative changes are cited,
    and one sentence counts the others (each benchmark still carries its own figures)."""
    before = {(item.sector, item.metric): item.median for item in previous if item.informative}
    compared = [
        (item, before[item.sector, item.metric])
        for item in sorted(current, key=lambda item: (item.metric, item.sector))
        if item.informative and (item.sector, item.metric) in before
    ]
    if len(compared) > MOST_CHANGES:
        # A median whose shown figure did not change is no news, however its digits moved.
        moved = [pair for pair in compared if len(set(_shown(pair, formatted))) == 2]
        cited = sorted(moved, key=lambda pair: -_relative_change(*pair))[:MOST_CHANGES]
    else:
        cited = compared
    lines = []
    for item, old in cited:
        # Both medians in the metric's unit, not a bare difference: "+2.00" of a percentage
        # would read as a relative change, and of a count as a decimal one.
        now, then = _shown((item, old), formatted)
        since = (
            f"as in {month_label(previous_month)}"
            if now == then
            else f"against {then} in {month_label(previous_month)}"
        )
        lines.append(f"{item.sector}, {item.metric.replace('_', ' ')}: median {now}, {since}.")
    if others := len(compared) - len(cited):
        lines.append(
            f"{counted(others, 'other sector median', 'other sector medians')} changed less since "
            f"{month_label(previous_month)} (each sector's benchmarks give its figures)."
        )
    return lines


def _shown(
    pair: tuple[SectorMedian, float], formatted: Callable[[str, float], str]
) -> tuple[str, str]:
    item, old = pair
    return formatted(item.metric, item.median), formatted(item.metric, old)


def _relative_change(item: SectorMedian, old: float) -> float:
    """How far a median moved against its previous value: the measure that ranks changes of
    metrics in different units together (a median from zero moved infinitely far)."""
    if old == 0:
        return math.inf
    return abs(item.median - old) / abs(old)


def month_epsilon(budgets: dict[int, float | None], *, today: float) -> str:
    """The budget a month's releases were drawn with, from each drawing revision's (None: not
    recorded): the latest known one, and in brackets the revisions that differ, e.g.
    `1 (0.5 for revision 1)` or `1 (not recorded for revision 1)`. Today's setting only when
    the month drew nothing."""
    known = [(revision, budget) for revision, budget in budgets.items() if budget is not None]
    main = f"{known[-1][1]:g}" if known else f"{today:g}"
    differing: dict[str, list[int]] = {}
    for revision, budget in budgets.items():
        shown = "not recorded" if budget is None else f"{budget:g}"
        if shown != main:
            differing.setdefault(shown, []).append(revision)
    if not differing:
        return main
    notes = ", ".join(
        f"{shown} for {revisions_named(revisions)}" for shown, revisions in differing.items()
    )
    return f"{main} ({notes})"
