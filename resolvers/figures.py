"""Which figure across accounts a key gets: the one place that decides it.

Every figure derived from several accounts (a sector's percentiles, an industry's roll-ups,
the sector figures of a comparison, the pulse report) comes from a frozen cohort of a
published month, and reaches a key only through `cohort_figures`:

- Internal keys get the exact figures of every cohort that meets the cohort rule.
- Every other key gets the differentially private release drawn when the month was published
  (never a fresh draw, so asking again cannot average the noise away), and only
  - when the cohort, less the key's own accounts in it, still has 5 accounts: an app key with
    4 of 5 members, or an account key in a cohort of 5, would otherwise learn the others'
    values from its own; the refusal is the same as for a cohort that is too small;
  - when the month was published with a release of the cohort (none is drawn while its
    metric declares no bounds: INTERNAL_ONLY);
  - never a min or max roll-up (one account decides them).
All gates read the frozen cohort (its size and its members per app), never the accounts of
today, so nobody learns from a refusal who joined or left since.

A private release comes with its public a-priori accuracy (analytics/private_accuracy.py), from
the cohort size, the release's epsilon and the bounds it was drawn with only: never from the
values. Those bounds (and its roll-up's aggregation) are frozen with the release, like its
figures: a definitions load that changes or drops them later changes no answer about a month
already published."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from analytics.cohort import is_publishable, is_publishable_to
from analytics.private_accuracy import FigureAccuracy, percentile_accuracy, roll_up_accuracy
from analytics.private_release import MetricBounds
from resolvers.context import RequestContext
from resolvers.errors import UserError, cohort_too_small, internal_only, release_bounds_unknown
from store.records import CohortRecord
from store.scope import Role


class FigureKind(StrEnum):
    EXACT = "EXACT"
    DIFFERENTIALLY_PRIVATE = "DIFFERENTIALLY_PRIVATE"


@dataclass(frozen=True, slots=True)
class Figures:
    kind: FigureKind
    p25: float | None
    p50: float | None
    p75: float | None
    p90: float | None
    roll_up: Decimal | None
    # The 95 % accuracy of a private release's percentiles and roll-up; None for exact figures
    # (and for an early release whose bounds are unknown: precision unknown).
    accuracy: FigureAccuracy | None = None
    roll_up_accuracy: FigureAccuracy | None = None
    # The bounds a private release was drawn with, which ranks are read off with it; None for
    # exact figures and for an early release whose bounds are unknown.
    bounds: MetricBounds | None = None

    @property
    def informative(self) -> bool:
        """Whether the percentiles are precise enough to tell sectors apart (exact ones are)."""
        return _informative(self.kind, self.accuracy)

    @property
    def roll_up_informative(self) -> bool:
        return _informative(self.kind, self.roll_up_accuracy)


def _informative(kind: FigureKind, accuracy: FigureAccuracy | None) -> bool:
    if kind is FigureKind.EXACT:
        return True
    return accuracy is not None and accuracy.informative


def figure_kind(context: RequestContext) -> FigureKind:
    """The kind of every cross-account figure this request's key gets."""
    if context.scope.role is Role.INTERNAL:
        return FigureKind.EXACT
    return FigureKind.DIFFERENTIALLY_PRIVATE


async def own_members(context: RequestContext, cohort: CohortRecord) -> int:
    """How many of the cohort's frozen members are the key's own accounts."""
    scope = context.scope
    if scope.role is Role.APP and scope.app_id is not None:
        return cohort.member_apps.get(scope.app_id, 0)
    if scope.role is Role.ACCOUNT and scope.account_id is not None:
        members = await context.benchmarks.members_by_key.load(
            (cohort.industry_id, cohort.metric_name, cohort.month)
        )
        return int(members is not None and scope.account_id in members.account_ids)
    return 0


async def cohort_figures(context: RequestContext, cohort: CohortRecord | None) -> Figures | None:
    """The figures of a frozen cohort this request's key may have; None when refused."""
    if cohort is None or await _refusal_of(context, cohort) is not None:
        return None
    if figure_kind(context) is FigureKind.EXACT:
        return Figures(
            FigureKind.EXACT, cohort.p25, cohort.p50, cohort.p75, cohort.p90, cohort.rollup
        )
    bounds = release_bounds(cohort)
    accuracy, roll_up = _accuracies(cohort, bounds)
    return Figures(
        FigureKind.DIFFERENTIALLY_PRIVATE,
        cohort.private_p25,
        cohort.private_p50,
        cohort.private_p75,
        cohort.private_p90,
        cohort.private_rollup,
        accuracy,
        roll_up,
        bounds,
    )


async def refusal(context: RequestContext, cohort: CohortRecord | None) -> UserError:
    """Why `cohort_figures` refused this key the cohort's figures, as the error to raise."""
    if cohort is None:
        return cohort_too_small()
    return await _refusal_of(context, cohort) or cohort_too_small()


async def _refusal_of(context: RequestContext, cohort: CohortRecord) -> UserError | None:
    """The gates every cross-account figure passes, in order; None when this key may have the
    cohort's figures.

    A metric without declared bounds has no private release, so only internal keys get its
    figures across accounts: saying so (INTERNAL_ONLY) instead of COHORT_TOO_SMALL tells the
    user what to fix, and costs nothing: the bounds are public (metricDefinitions), and the
    size gates come first, so the answer says no more of the cohort than its size, which is
    public once it meets them. A month published while the metric had no bounds has no release
    either, whatever the definition says today."""
    minimum = context.settings.min_cohort
    if not is_publishable(cohort.cohort_size, minimum=minimum):
        return cohort_too_small()
    if figure_kind(context) is FigureKind.EXACT:
        return None
    own = await own_members(context, cohort)
    if not is_publishable_to(cohort.cohort_size, own_accounts=own, minimum=minimum):
        return cohort_too_small()
    if not _has_release(cohort):
        return internal_only(cohort.metric_name, cohort.month)
    return None


def internal_only_metrics(context: RequestContext, cohorts: Iterable[CohortRecord]) -> list[str]:
    """The metrics of a month's frozen cohorts whose figures `_refusal_of` keeps from every key
    that is not internal (INTERNAL_ONLY): a cohort that meets the cohort rule but has no
    private release. Read off the frozen release, as the refusal is, not off today's bounds: a
    month published before its metric declared bounds stays without a release, and one
    published with them keeps its release after they are dropped."""
    minimum = context.settings.min_cohort
    return sorted(
        {
            cohort.metric_name
            for cohort in cohorts
            if is_publishable(cohort.cohort_size, minimum=minimum) and not _has_release(cohort)
        }
    )


def _has_release(cohort: CohortRecord) -> bool:
    """Whether the cohort's month was published with a private release of it: none is drawn
    while its metric declares no bounds."""
    return cohort.private_p50 is not None


def release_bounds(cohort: CohortRecord) -> MetricBounds | None:
    """The bounds the cohort's private release was drawn with, as frozen with it (never the
    definition's of today); None without a release, and for an early release whose bounds are
    unknown (store/migrations/versions/0011_release_bounds.py)."""
    if not _has_release(cohort):
        return None
    return MetricBounds.declared(cohort.release_lower_bound, cohort.release_upper_bound)


def rank_refusal(cohort: CohortRecord, found: Figures) -> UserError | None:
    """Why a rank cannot be read off the figures this key was given, when it cannot: a private
    release whose bounds are unknown (the rank's straight lines end at them)."""
    if found.kind is FigureKind.DIFFERENTIALLY_PRIVATE and found.bounds is None:
        return release_bounds_unknown(cohort.metric_name, cohort.month)
    return None


_ROLL_UPS_WITH_ACCURACY = frozenset({"sum", "mean", "median"})


def _accuracies(
    cohort: CohortRecord, bounds: MetricBounds | None
) -> tuple[FigureAccuracy | None, FigureAccuracy | None]:
    """The public accuracy of a cohort's private percentiles and roll-up, from the bounds and
    aggregation the release was drawn with."""
    epsilon = cohort.release_epsilon
    if bounds is None or epsilon is None:
        return None, None
    percentiles = percentile_accuracy(cohort.cohort_size, bounds=bounds, epsilon=epsilon)
    roll_up = None
    aggregation = cohort.release_aggregation
    if cohort.private_rollup is not None and aggregation in _ROLL_UPS_WITH_ACCURACY:
        roll_up = roll_up_accuracy(cohort.cohort_size, aggregation, bounds=bounds, epsilon=epsilon)
    return percentiles, roll_up


async def industry_is_open(context: RequestContext, industry_id: str) -> bool:
    """Whether industry-level values may reach this key: some frozen cohort of the industry in
    the latest published month meets the cohort rule without the key's own accounts."""
    months = await context.published_months()
    if not months:
        return False
    cohorts = await context.benchmarks.cohorts_by_month.load(months[-1])
    minimum = context.settings.min_cohort
    scope = context.scope
    for cohort in cohorts:
        if cohort.industry_id != industry_id:
            continue
        own = 0
        if scope.role is Role.APP and scope.app_id is not None:
            own = cohort.member_apps.get(scope.app_id, 0)
        elif scope.role is Role.ACCOUNT:
            own = 1  # at most its own account: counted whether or not it is a member
        if is_publishable_to(cohort.cohort_size, own_accounts=own, minimum=minimum):
            return True
    return False
