"""What a revision of a published month spends, per cohort, and whether the month's privacy
loss stays within the cap with it (analytics/privacy_loss.py does the arithmetic): publish
works it out before it draws or writes anything."""

from __future__ import annotations

import datetime as dt
import math

from analytics.privacy_loss import (
    CohortDraw,
    account_losses,
    epsilon_that_fits,
    largest_loss,
    over_cap,
    shown,
)
from analytics.private_cohorts import releases_of
from analytics.private_release import MetricBounds
from store.jobs.month_draws import CohortKey


def cohort_spending(
    key: CohortKey,
    *,
    revision: int,
    publishable: bool,
    definition: tuple[str, MetricBounds | None],
    kept: dict[str, object] | None,
    kept_from: CohortDraw | None,
    published: int | None,
    epsilon: float | None,
    members: frozenset[str],
) -> CohortDraw:
    """What the revision spends on a cohort's members: a new draw's releases, a kept draw
    (spent by the revision that drew it), or nothing."""
    releases, spent_epsilon, drawn_in = 0, None, None
    aggregation, bounds = definition
    if publishable and kept is not None:
        kept_aggregation = kept["release_aggregation"]
        if isinstance(kept_aggregation, str):
            releases = releases_of(kept_aggregation)
        else:  # drawn before the roll-up was stored: a released roll-up counts as a release
            releases = 1 + (kept["private_rollup"] is not None)
        stored = kept["release_epsilon"]
        spent_epsilon = float(stored) if isinstance(stored, (int, float)) else None
        # The revision the kept draw came from, or the one that drew it if that one kept it.
        drawn_in = published
        if kept_from is not None and kept_from.recorded:
            drawn_in = kept_from.drawn_in
    elif publishable and bounds is not None:
        releases, spent_epsilon, drawn_in = releases_of(aggregation), epsilon, revision
    return CohortDraw(
        revision=revision,
        industry_id=key[0],
        member_ids=members,
        releases=releases,
        epsilon=spent_epsilon,
        drawn_in=drawn_in,
    )


def month_loss(
    month: dt.date,
    *,
    earlier: list[CohortDraw],
    now: list[CohortDraw],
    privacy_epsilon: float,
    month_cap: float,
    revising: bool,
    past_epsilon: float | None,
) -> tuple[float, str | None]:
    """The month's largest loss of any account once this revision is written, and why the
    revision is refused when it would pass the cap (checked before anything is written).
    `past_epsilon` is what each revision published before the accountant cost its accounts, as
    the operator declared it (publish refuses a month with such revisions until then: were one
    left, it would count as unbounded, never as a guess)."""
    charge = math.inf if past_epsilon is None else past_epsilon
    losses = account_losses([*earlier, *now], unrecorded_epsilon=charge)
    largest = largest_loss(losses)
    # What the new draws cost each account per unit of budget: they are shares of it.
    shares = {
        account: loss / privacy_epsilon
        for account, loss in account_losses(now, unrecorded_epsilon=charge).items()
    }
    # Only new draws are refused: a month already past the cap (a cap lowered since, a month
    # published before the accountant) may still be revised without drawing again.
    reached = max((losses[account] for account in shares), default=0.0)
    if not over_cap(reached, month_cap):
        return largest, None
    before = account_losses(earlier, unrecorded_epsilon=charge)
    fits = epsilon_that_fits(before, shares, month_cap=month_cap)
    doing = "revising" if revising else "publishing"
    advice = (
        f"revise it with PROFILING_PRIVACY_EPSILON at most {shown(fits, up=False)} (its "
        "changed cohorts are drawn again with that budget)"
        if fits > 0
        else "the accounts of its changed cohorts have no budget left this month (a revision "
        "that leaves their data as published fits)"
    )
    return largest, (
        f"{doing} {month:%Y-%m} would take an account's privacy loss for the month to epsilon "
        f"{shown(reached, up=True)}, over the cap of {shown(month_cap, up=False)} "
        f"(PROFILING_PRIVACY_MONTH_CAP): {advice}, or raise the cap to at least "
        f"{shown(reached, up=True)} if your privacy officer agrees"
    )
