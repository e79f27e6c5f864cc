"""Reads of published months: frozen cohorts, their members, and industry roll-ups."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from store.reads.entities import MetricFilter
from store.records import CohortMembers, CohortRecord
from store.scope import Scope, account_visible
from store.tables import (
    ACCOUNT_TABLE,
    COHORT_TABLE,
    DEFINITION_TABLE,
    METRIC_TABLE,
    PUBLISHED_MONTH_TABLE,
    Level,
)

cohort = COHORT_TABLE.c
definition = DEFINITION_TABLE.c

_COHORT_COLUMNS = (
    cohort.industry_id,
    cohort.metric_name,
    cohort.month,
    cohort.cohort_size,
    cohort.p25,
    cohort.p50,
    cohort.p75,
    cohort.p90,
    cohort.rollup,
    cohort.private_p25,
    cohort.private_p50,
    cohort.private_p75,
    cohort.private_p90,
    cohort.private_rollup,
    cohort.release_epsilon,
    cohort.release_lower_bound,
    cohort.release_upper_bound,
    cohort.release_aggregation,
    cohort.member_apps,
)


def _cohort(row: Sequence[Any]) -> CohortRecord:
    *figures, member_apps = row
    return CohortRecord._make((*figures, orjson.loads(member_apps)))


CohortKey = tuple[str, str, dt.date]  # (industry_id, metric_name, month)


async def published_months(connection: AsyncConnection) -> list[dt.date]:
    rows = await connection.execute(
        select(PUBLISHED_MONTH_TABLE.c.month).order_by(PUBLISHED_MONTH_TABLE.c.month)
    )
    return list(rows.scalars())


AccountMetricKey = tuple[str, str]  # (account_id, metric_name)


async def published_value_months(
    connection: AsyncConnection, *, keys: Sequence[AccountMetricKey], scope: Scope
) -> dict[AccountMetricKey, list[dt.date]]:
    """The published months in which each account has a value of each metric, latest first
    (none for an account the scope does not see): the months its comparison can be made in."""
    metric, account = METRIC_TABLE.c, ACCOUNT_TABLE.c
    rows = await connection.execute(
        select(metric.entity_id, metric.metric_name, metric.effective_date)
        .join_from(
            METRIC_TABLE,
            PUBLISHED_MONTH_TABLE,
            PUBLISHED_MONTH_TABLE.c.month == metric.effective_date,
        )
        .join(ACCOUNT_TABLE, account.account_id == metric.entity_id)
        .where(
            # The ids and the names apart, not the pairs as row values: SQLite walks every
            # account-level value for a row-value IN, and probes the primary key for these.
            metric.level == Level.ACCOUNT,
            metric.entity_id.in_(sorted({account_id for account_id, _ in keys})),
            metric.metric_name.in_(sorted({name for _, name in keys})),
            account_visible(scope),
        )
        .order_by(metric.entity_id, metric.metric_name, metric.effective_date.desc())
    )
    wanted = set(keys)
    months: dict[AccountMetricKey, list[dt.date]] = defaultdict(list)
    for account_id, metric_name, month in rows:
        if (account_id, metric_name) in wanted:
            months[account_id, metric_name].append(month)
    return months


async def cohorts_by_key(
    connection: AsyncConnection, *, keys: Sequence[CohortKey]
) -> dict[CohortKey, CohortRecord]:
    rows = await connection.execute(
        select(*_COHORT_COLUMNS).where(
            tuple_(cohort.industry_id, cohort.metric_name, cohort.month).in_(keys)
        )
    )
    return {(row[0], row[1], row[2]): _cohort(row) for row in rows}


async def cohorts_of_month(
    connection: AsyncConnection, *, month: dt.date, metric_name: str | None = None
) -> list[CohortRecord]:
    statement = select(*_COHORT_COLUMNS).where(cohort.month == month)
    if metric_name is not None:
        statement = statement.where(cohort.metric_name == metric_name)
    rows = await connection.execute(statement.order_by(cohort.metric_name, cohort.industry_id))
    return [_cohort(row) for row in rows]


async def members_by_key(
    connection: AsyncConnection, *, keys: Sequence[CohortKey]
) -> dict[CohortKey, CohortMembers]:
    rows = await connection.execute(
        select(
            cohort.industry_id,
            cohort.metric_name,
            cohort.month,
            cohort.member_ids,
            cohort.member_values,
        ).where(tuple_(cohort.industry_id, cohort.metric_name, cohort.month).in_(keys))
    )
    return {
        (industry_id, metric_name, month): CohortMembers(
            orjson.loads(ids), [Decimal(value) for value in orjson.loads(values)]
        )
        for industry_id, metric_name, month, ids, values in rows
    }


async def rollups_by_industry(
    connection: AsyncConnection, *, industry_ids: Sequence[str], metric_filter: MetricFilter
) -> dict[str, list[tuple[CohortRecord, str]]]:
    """The frozen cohorts of these industries that carry a roll-up, with their metric's unit,
    ordered by metric then month (which figure a key gets is resolvers/figures.py's call)."""
    conditions = [cohort.industry_id.in_(industry_ids), cohort.rollup.is_not(None)]
    if metric_filter.names is not None:
        conditions.append(cohort.metric_name.in_(metric_filter.names))
    if metric_filter.months is not None:
        conditions.append(cohort.month.in_(metric_filter.months))
    rows = await connection.execute(
        select(*_COHORT_COLUMNS, definition.unit)
        .join_from(COHORT_TABLE, DEFINITION_TABLE, cohort.metric_name == definition.name)
        .where(*conditions)
        .order_by(cohort.industry_id, cohort.metric_name, cohort.month)
    )
    grouped: dict[str, list[tuple[CohortRecord, str]]] = defaultdict(list)
    for *row, unit in rows:
        record = _cohort(row)
        grouped[record.industry_id].append((record, unit))
    return grouped
