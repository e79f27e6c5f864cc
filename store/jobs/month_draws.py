"""What every revision of a published month drew, as stored: the privacy accountant's input
(analytics/privacy_loss.py), read by publish before a revision and after it."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.privacy_loss import (
    CohortDraw,
    account_losses,
    default_cap_of_month,
    largest_loss,
    revision_budgets,
    unrecorded_revisions,
)
from store.tables import COHORT_REVISION_TABLE, MONTH_PAST_EPSILON_TABLE

CohortKey = tuple[str, str]  # (industry_id, metric_name)


async def month_draws(
    connection: AsyncConnection, month: dt.date
) -> dict[int, dict[CohortKey, CohortDraw]]:
    """Every cohort of every revision of the month, by revision."""
    revisions, _ = await _month_draws_and_past_epsilon(connection, month)
    return revisions


async def _month_draws_and_past_epsilon(
    connection: AsyncConnection, month: dt.date
) -> tuple[dict[int, dict[CohortKey, CohortDraw]], float | None]:
    """Every cohort of every revision of the month, and the epsilon declared for its unrecorded
    revisions, in one statement (the declaration on every row: a month without rows has no
    revision to declare it for): the pulse reads both on every request of a key that gets
    private figures."""
    cohort = COHORT_REVISION_TABLE.c
    declared = (
        select(MONTH_PAST_EPSILON_TABLE.c.epsilon)
        .where(MONTH_PAST_EPSILON_TABLE.c.month == month)
        .scalar_subquery()
    )
    rows = await connection.execute(
        select(
            cohort.revision,
            cohort.industry_id,
            cohort.metric_name,
            cohort.member_ids,
            cohort.release_count,
            cohort.release_epsilon,
            cohort.drawn_in,
            declared,
        ).where(cohort.month == month)
    )
    revisions: dict[int, dict[CohortKey, CohortDraw]] = defaultdict(dict)
    past: float | None = None
    for revision, industry_id, metric_name, ids, count, epsilon, drawn_in, declared_here in rows:
        past = declared_here  # the same on every row
        revisions[revision][industry_id, metric_name] = CohortDraw(
            revision=revision,
            industry_id=industry_id,
            member_ids=frozenset(orjson.loads(ids)),
            releases=count,
            epsilon=epsilon,
            drawn_in=drawn_in,
        )
    return revisions, past


def flattened(revisions: dict[int, dict[CohortKey, CohortDraw]]) -> list[CohortDraw]:
    return [draw for cohorts in revisions.values() for draw in cohorts.values()]


async def declared_past_epsilon(connection: AsyncConnection, month: dt.date) -> float | None:
    """The epsilon the operator declared for the month's unrecorded revisions, if any."""
    found = await connection.execute(
        select(MONTH_PAST_EPSILON_TABLE.c.epsilon).where(MONTH_PAST_EPSILON_TABLE.c.month == month)
    )
    return found.scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class MonthPrivacy:
    """What a month's revisions cost, as stored."""

    # The largest loss of any account over every revision: infinite while a revision published
    # before the accountant has no declared epsilon (what it cost is not known, and never
    # guessed downward).
    loss: float
    # The month's cap when none is configured (twice the smaller of today's epsilon and the
    # month's first budget).
    default_cap: float
    # The budget of each revision that drew anything (None: unrecorded and not declared).
    budgets: dict[int, float | None]
    # Revisions published before the accountant, whose epsilon nobody declared yet.
    unknown: tuple[int, ...]


def month_cost(draws: list[CohortDraw], *, past_epsilon: float | None) -> float:
    """The largest loss of any account in the month: infinite while an unrecorded revision's
    epsilon is not declared."""
    if past_epsilon is None and unrecorded_revisions(draws):
        return math.inf
    return largest_loss(account_losses(draws, unrecorded_epsilon=past_epsilon or 0.0))


async def month_privacy(
    connection: AsyncConnection, month: dt.date, *, month_epsilon: float
) -> MonthPrivacy:
    """What the month's revisions cost its accounts, and its cap when none is configured."""
    revisions, past = await _month_draws_and_past_epsilon(connection, month)
    draws = flattened(revisions)
    return MonthPrivacy(
        loss=month_cost(draws, past_epsilon=past),
        default_cap=default_cap_of_month(draws, month_epsilon=month_epsilon, past_epsilon=past),
        budgets=revision_budgets(draws, past_epsilon=past),
        unknown=() if past is not None else unrecorded_revisions(draws),
    )


async def month_privacy_loss(
    connection: AsyncConnection, month: dt.date, *, month_epsilon: float
) -> float:
    """The largest privacy loss of any account in the month, over all its revisions (infinite
    while an unrecorded revision's epsilon is not declared)."""
    found = await month_privacy(connection, month, month_epsilon=month_epsilon)
    return found.loss
