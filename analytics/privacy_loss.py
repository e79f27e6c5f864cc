"""The privacy accountant of a published month: how much each account has lost, and the cap.

A month's releases of one industry share `PROFILING_PRIVACY_EPSILON` when it is first
published (analytics/private_cohorts.py). A revision keeps the draws of cohorts whose members
and values did not change and draws the others again, while the old draws were already served:
an account's loss for the month is then the sum, over every revision, of the epsilon of every
release *drawn* (not kept) in a cohort that included it. A kept draw is the same draw: it
counts once, in the revision that drew it.

Revisions published before the accountant recorded what they drew (migration 0013) count, for
every account in any of their cohorts, as a whole monthly budget: the most a revision could
spend on one account at that budget (its releases of one industry share it). Which budget was
in force then is not stored, so the larger of today's and every budget a recorded revision of
the month shows (the sum of its releases in one industry) is taken."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# The cap's default, in months' budgets: room for one revision that draws every cohort again.
DEFAULT_CAP_FACTOR = 2.0
# Epsilons are shares of a budget rounded down (split_budget), summed in floating point: a sum
# that lands a few ulps past the cap is the cap.
_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class CohortDraw:
    """One cohort of one revision of a month, as stored."""

    revision: int
    industry_id: str
    member_ids: frozenset[str]
    # How many releases the cohort has (0: none); None when the revision was published before
    # the accountant recorded it.
    releases: int | None
    epsilon: float | None  # the privacy loss of each release
    # The revision that drew the releases: this one, or an earlier one whose draw it kept.
    drawn_in: int | None

    @property
    def recorded(self) -> bool:
        return self.releases is not None

    @property
    def spent(self) -> float:
        """What this revision spent on each member (0 for a kept draw or no release)."""
        if not self.releases or self.epsilon is None or self.drawn_in != self.revision:
            return 0.0
        return self.releases * self.epsilon


def default_month_cap(month_epsilon: float) -> float:
    return DEFAULT_CAP_FACTOR * month_epsilon


def default_cap_of_month(draws: Iterable[CohortDraw], *, month_epsilon: float) -> float:
    """The cap of a month when none is configured: twice the smaller of today's budget and the
    budget the month was first published with (the most its first revision spent in one
    industry). Twice today's alone would let a revision at a raised PROFILING_PRIVACY_EPSILON
    raise the month's cap with it: 1 + 1 + 2 for a month published at 1 under a cap of 2.
    A first revision that is not recorded (or drew nothing) tells no budget: today's counts."""
    draws = list(draws)
    if not draws:
        return default_month_cap(month_epsilon)
    first = min(draw.revision for draw in draws)
    budgets: dict[str, list[float]] = defaultdict(list)
    for draw in draws:
        if draw.revision != first:
            continue
        if not draw.recorded:
            return default_month_cap(month_epsilon)
        if draw.releases and draw.epsilon is not None:
            budgets[draw.industry_id].append(draw.releases * draw.epsilon)
    spent = max(map(math.fsum, budgets.values()), default=0.0)
    return default_month_cap(min(month_epsilon, spent) if spent > 0 else month_epsilon)


def check_month_cap(month_cap: float, month_epsilon: float) -> None:
    """A cap below the budget would refuse a first publication, which spends all of it."""
    if not math.isfinite(month_cap) or month_cap < month_epsilon:
        raise ValueError(
            f"PROFILING_PRIVACY_MONTH_CAP ({month_cap:g}) must be at least "
            f"PROFILING_PRIVACY_EPSILON ({month_epsilon:g}): a first publication spends the "
            "whole epsilon"
        )


def unrecorded_charge(draws: Iterable[CohortDraw], *, month_epsilon: float) -> float:
    """What an unrecorded revision counts for each of its accounts: the larger of today's budget
    and every budget a recorded revision of the month spent in one industry (its releases,
    kept ones included, shared that budget)."""
    budgets: dict[tuple[int, str], list[float]] = defaultdict(list)
    for draw in draws:
        if draw.releases and draw.epsilon is not None:
            budgets[draw.revision, draw.industry_id].append(draw.releases * draw.epsilon)
    return max([month_epsilon, *map(math.fsum, budgets.values())])


def account_losses(draws: Iterable[CohortDraw], *, unrecorded_epsilon: float) -> dict[str, float]:
    """Each account's privacy loss for the month, from the stored cohorts of its revisions."""
    spent: dict[str, list[float]] = defaultdict(list)
    # An unrecorded revision counts once per account, however many of its cohorts include it.
    unrecorded: dict[int, set[str]] = defaultdict(set)
    for draw in draws:
        if not draw.recorded:
            unrecorded[draw.revision].update(draw.member_ids)
            continue
        loss = draw.spent
        if loss:
            for account in draw.member_ids:
                spent[account].append(loss)
    for accounts in unrecorded.values():
        for account in accounts:
            spent[account].append(unrecorded_epsilon)
    return {account: math.fsum(losses) for account, losses in spent.items()}


def largest_loss(losses: dict[str, float]) -> float:
    return max(losses.values(), default=0.0)


def over_cap(loss: float, month_cap: float) -> bool:
    return loss > month_cap * (1 + _SLACK)


def epsilon_that_fits(
    spent: dict[str, float], shares: dict[str, float], *, month_cap: float
) -> float:
    """The largest monthly budget whose new draws keep every account within the cap, when an
    account has lost `spent` so far and the new draws cost it `shares` times the budget (0 when
    some account drawn again has no room left)."""
    room = [
        _left(month_cap - spent.get(account, 0.0), month_cap) / share
        for account, share in shares.items()
        if share > 0
    ]
    return min(room, default=math.inf)


def _left(room: float, month_cap: float) -> float:
    # A month spent to the cap leaves a few ulps of the sum of its shares, not a budget.
    return room if room > month_cap * _SLACK else 0.0


def shown(value: float, *, up: bool) -> str:
    """A loss (rounded up) or a room (rounded down) to 4 significant digits: never
    understating a loss, never suggesting a budget that does not fit."""
    if value <= 0 or not math.isfinite(value):
        return f"{max(value, 0.0):g}"
    scale = 10.0 ** (3 - math.floor(math.log10(value)))
    if up:
        # The slack first: a sum of shares a few ulps past 1.5 is 1.5.
        rounded = math.ceil(value * (1 - _SLACK) * scale) / scale
    else:
        rounded = math.floor(value * (1 + _SLACK) * scale) / scale
    return f"{rounded:g}"
