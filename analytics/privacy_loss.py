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
in force then is stored nowhere, and no loss is ever guessed downward: the operator declares it
per month (never below today's epsilon, which was assumed until then), and until then such a
month takes no new draw (store/jobs/past_epsilon.py)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
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


def default_cap_of_month(
    draws: Iterable[CohortDraw], *, month_epsilon: float, past_epsilon: float | None = None
) -> float:
    """The cap of a month when none is configured: twice the smaller of today's budget and the
    budget the month was first published with (the most its first revision spent in one
    industry). Twice today's alone would let a revision at a raised PROFILING_PRIVACY_EPSILON
    raise the month's cap with it: 1 + 1 + 2 for a month published at 1 under a cap of 2.
    A first revision that is not recorded tells its budget only once declared (`past_epsilon`);
    until then, or when it drew nothing, today's counts."""
    draws = list(draws)
    if not draws:
        return default_month_cap(month_epsilon)
    first = min(draw.revision for draw in draws)
    budgets: dict[str, list[float]] = defaultdict(list)
    for draw in draws:
        if draw.revision != first:
            continue
        if not draw.recorded:
            return default_month_cap(min(month_epsilon, past_epsilon or month_epsilon))
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


def unrecorded_revisions(draws: Iterable[CohortDraw]) -> tuple[int, ...]:
    """The revisions of a month published before the accountant recorded what they drew: what
    each cost an account is the epsilon the operator declares for the month, unknown until."""
    return tuple(sorted({draw.revision for draw in draws if not draw.recorded}))


def check_declared_value(epsilon: float) -> None:
    if not math.isfinite(epsilon) or epsilon <= 0:
        raise ValueError(f"--declare-past-epsilon must be a positive number, got {epsilon:g}")


def check_past_epsilon(
    epsilon: float, *, month: str, month_epsilon: float, declared: float | None
) -> None:
    """A declared past epsilon is a promise nobody can check: one below today's epsilon (which
    was assumed for those revisions until now) or below an earlier declaration would lower the
    month's loss on the operator's word alone, so it is refused."""
    check_declared_value(epsilon)
    if epsilon < month_epsilon:
        raise ValueError(
            f"--declare-past-epsilon {epsilon:g} is below PROFILING_PRIVACY_EPSILON "
            f"({month_epsilon:g}): a past epsilon cannot be checked and today's was already "
            f"assumed for {month}'s early revisions; declare at least {month_epsilon:g}"
        )
    if declared is not None and epsilon < declared:
        raise ValueError(
            f"{month}'s early revisions were declared drawn at epsilon {declared:g}: a "
            f"declaration may raise it, never lower it (--declare-past-epsilon {epsilon:g})"
        )


def revision_budgets(
    draws: Iterable[CohortDraw], *, past_epsilon: float | None
) -> dict[int, float | None]:
    """The budget (PROFILING_PRIVACY_EPSILON) each revision that drew anything was published
    with: an industry's new draws share it with the releases it kept, so it is their epsilon
    times the industry's releases in that revision (the largest over industries: the split
    rounds down). An unrecorded revision's is the declared past epsilon, None until declared;
    a revision that kept every draw spent no budget and is left out."""
    releases: dict[tuple[int, str], int] = defaultdict(int)
    drawn: dict[tuple[int, str], float] = {}
    unrecorded: set[int] = set()
    for draw in draws:
        if not draw.recorded:
            unrecorded.add(draw.revision)
            continue
        releases[draw.revision, draw.industry_id] += draw.releases or 0
        if draw.spent and draw.epsilon is not None:
            key = draw.revision, draw.industry_id
            drawn[key] = max(drawn.get(key, 0.0), draw.epsilon)
    budgets: dict[int, float | None] = dict.fromkeys(unrecorded, past_epsilon)
    for (revision, industry_id), epsilon in drawn.items():
        budget = epsilon * releases[revision, industry_id]
        found = budgets.get(revision)
        budgets[revision] = budget if found is None else max(found, budget)
    return dict(sorted(budgets.items()))


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


def revisions_named(revisions: Sequence[int]) -> str:
    """`revision 1`, `revisions 1 and 2`, `revisions 1, 2 and 3`."""
    if len(revisions) == 1:
        return f"revision {revisions[0]}"
    *first, last = map(str, revisions)
    return f"revisions {', '.join(first)} and {last}"
