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
  - when the metric declares bounds (without them nothing private was drawn);
  - never a min or max roll-up (one account decides them).
All gates read the frozen cohort (its size and its members per app), never the accounts of
today, so nobody learns from a refusal who joined or left since."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from analytics.cohort import is_publishable
from resolvers.context import RequestContext
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
    if cohort is None or not is_publishable(
        cohort.cohort_size, minimum=context.settings.min_cohort
    ):
        return None
    if figure_kind(context) is FigureKind.EXACT:
        return Figures(
            FigureKind.EXACT, cohort.p25, cohort.p50, cohort.p75, cohort.p90, cohort.rollup
        )
    others = cohort.cohort_size - await own_members(context, cohort)
    if not is_publishable(others, minimum=context.settings.min_cohort):
        return None
    if cohort.private_p50 is None:
        return None
    return Figures(
        FigureKind.DIFFERENTIALLY_PRIVATE,
        cohort.private_p25,
        cohort.private_p50,
        cohort.private_p75,
        cohort.private_p90,
        cohort.private_rollup,
    )


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
        if is_publishable(cohort.cohort_size - own, minimum=minimum):
            return True
    return False
