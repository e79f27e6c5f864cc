"""What every revision of a published month drew, as stored: the privacy accountant's input
(analytics/privacy_loss.py), read by publish before a revision and after it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.privacy_loss import (
    CohortDraw,
    account_losses,
    default_cap_of_month,
    largest_loss,
    unrecorded_charge,
)
from store.tables import COHORT_REVISION_TABLE

CohortKey = tuple[str, str]  # (industry_id, metric_name)


async def month_draws(
    connection: AsyncConnection, month: dt.date
) -> dict[int, dict[CohortKey, CohortDraw]]:
    """Every cohort of every revision of the month, by revision."""
    cohort = COHORT_REVISION_TABLE.c
    rows = await connection.execute(
        select(
            cohort.revision,
            cohort.industry_id,
            cohort.metric_name,
            cohort.member_ids,
            cohort.release_count,
            cohort.release_epsilon,
            cohort.drawn_in,
        ).where(cohort.month == month)
    )
    revisions: dict[int, dict[CohortKey, CohortDraw]] = defaultdict(dict)
    for revision, industry_id, metric_name, ids, count, epsilon, drawn_in in rows:
        revisions[revision][industry_id, metric_name] = CohortDraw(
            revision=revision,
            industry_id=industry_id,
            member_ids=frozenset(orjson.loads(ids)),
            releases=count,
            epsilon=epsilon,
            drawn_in=drawn_in,
        )
    return revisions


def flattened(revisions: dict[int, dict[CohortKey, CohortDraw]]) -> list[CohortDraw]:
    return [draw for cohorts in revisions.values() for draw in cohorts.values()]


async def month_privacy_loss(
    connection: AsyncConnection, month: dt.date, *, month_epsilon: float
) -> float:
    """The largest privacy loss of any account in the month, over all its revisions."""
    draws = flattened(await month_draws(connection, month))
    charge = unrecorded_charge(draws, month_epsilon=month_epsilon)
    return largest_loss(account_losses(draws, unrecorded_epsilon=charge))


async def month_privacy(
    connection: AsyncConnection, month: dt.date, *, month_epsilon: float
) -> tuple[float, float]:
    """The largest privacy loss of any account in the month, and the month's cap when none is
    configured (twice the smaller of `month_epsilon` and the month's first budget)."""
    draws = flattened(await month_draws(connection, month))
    charge = unrecorded_charge(draws, month_epsilon=month_epsilon)
    loss = largest_loss(account_losses(draws, unrecorded_epsilon=charge))
    return loss, default_cap_of_month(draws, month_epsilon=month_epsilon)
