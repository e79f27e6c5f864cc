"""Batched reads of sales analytics: one or two statements per batch, whatever its size.

Like every read of accounts' data, they see only the accounts the request's scope sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.credit import CreditSegment, LedgerEntry
from analytics.quarters import FIRST_QUARTER, Quarter
from analytics.segment_flows import segment_flows
from analytics.segments import Segment
from store.ledger_entries import ENTRY_COLUMNS, ledger_entry
from store.sales_records import (
    CreditRiskRecord,
    LedgerCoverageRecord,
    QuarterSegmentRecord,
    SalesProfileRecord,
    SegmentationRecord,
    SegmentationStatus,
    SegmentFlowsRecord,
    SegmentMeasure,
)
from store.scope import Scope, account_visible, app_visible
from store.tables import (
    ACCOUNT_TABLE,
    APP_TABLE,
    CREDIT_RISK_TABLE,
    LEDGER_PERIOD_TABLE,
    LEDGER_TABLE,
    QUARTER_SEGMENT_TABLE,
    SALE_LINE_TABLE,
    SALES_PERIOD_TABLE,
    SALES_PROFILE_TABLE,
)

account = ACCOUNT_TABLE.c
quarter_segment = QUARTER_SEGMENT_TABLE.c
profile = SALES_PROFILE_TABLE.c
credit = CREDIT_RISK_TABLE.c


def _visible(table: Any) -> Any:
    """The table joined to its account, on which the scope's condition applies."""
    return table.join(ACCOUNT_TABLE, table.c.account_id == account.account_id)


async def sales_profiles_by_account(
    connection: AsyncConnection, *, account_ids: Sequence[str], scope: Scope
) -> dict[str, SalesProfileRecord]:
    """Profiles with their quarters, oldest first; accounts without sales are absent."""
    quarters: dict[str, list[QuarterSegmentRecord]] = {}
    rows = await connection.execute(
        select(
            quarter_segment.account_id,
            quarter_segment.quarter,
            quarter_segment.orders,
            quarter_segment.revenue,
            quarter_segment.profit,
            quarter_segment.frequency_segment,
            quarter_segment.monetary_segment,
            quarter_segment.frequency_cluster,
            quarter_segment.monetary_cluster,
            quarter_segment.recency_days,
            quarter_segment.monetary_is_profit,
        )
        .select_from(_visible(QUARTER_SEGMENT_TABLE))
        .where(quarter_segment.account_id.in_(account_ids), account_visible(scope))
        .order_by(quarter_segment.account_id, quarter_segment.quarter)
    )
    for account_id, quarter, orders, revenue, profit, frequency, monetary, *rest in rows:
        quarters.setdefault(account_id, []).append(
            QuarterSegmentRecord(
                quarter, orders, revenue, profit, Segment(frequency), Segment(monetary), *rest
            )
        )
    profiles = await connection.execute(
        select(
            profile.account_id,
            profile.first_purchase,
            profile.last_purchase,
            profile.is_recent,
            profile.days_since_purchase,
            account.app_id,
        )
        .select_from(_visible(SALES_PROFILE_TABLE))
        .where(profile.account_id.in_(account_ids), account_visible(scope))
    )
    return {
        account_id: SalesProfileRecord(
            first, last, recent, days, quarters.get(account_id, []), app_id
        )
        for account_id, first, last, recent, days, app_id in profiles
    }


async def segmented_accounts_by_app(
    connection: AsyncConnection, *, app_ids: Sequence[str]
) -> dict[str, dict[str, int]]:
    """How many accounts of each app the segment job segmented in each quarter, by app then
    quarter. Counted over every account of the app, whatever the request's scope: the count
    only decides whether a key that does not own the app may see an account's segments (the
    cohort rule), and is never returned itself."""
    rows = await connection.execute(
        select(account.app_id, quarter_segment.quarter, func.count())
        .select_from(_visible(QUARTER_SEGMENT_TABLE))
        .where(account.app_id.in_(app_ids))
        .group_by(account.app_id, quarter_segment.quarter)
    )
    counts: dict[str, dict[str, int]] = {}
    for app_id, quarter, accounts in rows:
        counts.setdefault(app_id, {})[quarter] = accounts
    return counts


async def credit_risks_by_account(
    connection: AsyncConnection, *, account_ids: Sequence[str], scope: Scope
) -> dict[str, CreditRiskRecord]:
    rows = await connection.execute(
        select(
            credit.account_id,
            credit.score,
            credit.segment,
            credit.days_sales_outstanding,
            credit.overdue_share,
            credit.average_days_late,
            credit.as_of,
            credit.invoiced,
            credit.outstanding,
        )
        .select_from(_visible(CREDIT_RISK_TABLE))
        .where(credit.account_id.in_(account_ids), account_visible(scope))
    )
    return {
        account_id: CreditRiskRecord(score, CreditSegment(segment), *rest)
        for account_id, score, segment, *rest in rows
    }


async def ledgers_by_account(
    connection: AsyncConnection, *, account_ids: Sequence[str], scope: Scope
) -> dict[str, list[LedgerEntry]]:
    """Each account's ledger entries, oldest first."""
    ledger = LEDGER_TABLE.c
    rows = await connection.execute(
        select(ledger.account_id, *ENTRY_COLUMNS)
        .select_from(_visible(LEDGER_TABLE))
        .where(ledger.account_id.in_(account_ids), account_visible(scope))
        .order_by(ledger.account_id, ledger.entry_date)
    )
    entries: dict[str, list[LedgerEntry]] = {}
    for account_id, *entry in rows:
        entries.setdefault(account_id, []).append(ledger_entry(entry))
    return entries


async def ledger_coverages_by_account(
    connection: AsyncConnection, *, account_ids: Sequence[str], scope: Scope
) -> dict[str, LedgerCoverageRecord]:
    """Each account's first and last ledger entry dates, counted in the database; accounts
    without entries are absent."""
    ledger = LEDGER_TABLE.c
    rows = await connection.execute(
        select(ledger.account_id, func.min(ledger.entry_date), func.max(ledger.entry_date))
        .select_from(_visible(LEDGER_TABLE))
        .where(ledger.account_id.in_(account_ids), account_visible(scope))
        .group_by(ledger.account_id)
    )
    return {account_id: LedgerCoverageRecord(first, last) for account_id, first, last in rows}


async def ledger_period_ends_by_account(
    connection: AsyncConnection, *, account_ids: Sequence[str], scope: Scope
) -> dict[str, dt.date]:
    """The end of the latest period a ledger export with each account's entries stated in its
    title; accounts without one are absent."""
    period = LEDGER_PERIOD_TABLE.c
    rows = await connection.execute(
        select(period.account_id, func.max(period.period_end))
        .select_from(_visible(LEDGER_PERIOD_TABLE))
        .where(period.account_id.in_(account_ids), account_visible(scope))
        .group_by(period.account_id)
    )
    return {row[0]: row[1] for row in rows}


async def sales_period_ends_by_app(
    connection: AsyncConnection, *, app_ids: Sequence[str], scope: Scope
) -> dict[str, dt.date]:
    """The end of the latest period a sales export of each app stated in its title; apps
    without one are absent."""
    period = SALES_PERIOD_TABLE.c
    rows = await connection.execute(
        select(period.app_id, func.max(period.period_end))
        .select_from(SALES_PERIOD_TABLE.join(APP_TABLE, APP_TABLE.c.app_id == period.app_id))
        .where(period.app_id.in_(app_ids), app_visible(scope))
        .group_by(period.app_id)
    )
    return {row[0]: row[1] for row in rows}


async def app_exists(connection: AsyncConnection, *, app: str) -> bool:
    found = await connection.execute(
        select(literal(1)).select_from(APP_TABLE).where(APP_TABLE.c.app_id == app)
    )
    return found.first() is not None


def value_in(quarter: str, column: Any) -> Any:
    """An account's value of `column` in `quarter`, in a statement grouped by account (null
    when it had no orders then)."""
    return func.max(case((quarter_segment.quarter == quarter, column)))


async def segmentation(
    connection: AsyncConnection, *, app: str, quarter: Quarter
) -> SegmentationRecord:
    """Accounts per segment of one app in one quarter, and the moves since the previous one:
    one statement that pairs each account's segments in the two quarters and counts the
    pairs."""
    now, before = quarter.label, quarter.previous.label
    per_account = (
        select(
            value_in(before, quarter_segment.frequency_segment).label("frequency_before"),
            value_in(now, quarter_segment.frequency_segment).label("frequency_now"),
            value_in(before, quarter_segment.monetary_segment).label("monetary_before"),
            value_in(now, quarter_segment.monetary_segment).label("monetary_now"),
        )
        .join_from(
            QUARTER_SEGMENT_TABLE, ACCOUNT_TABLE, quarter_segment.account_id == account.account_id
        )
        .where(account.app_id == app, quarter_segment.quarter.in_((now, before)))
        .group_by(quarter_segment.account_id)
        .subquery()
    )
    c = per_account.c
    rows = (
        await connection.execute(
            select(
                c.frequency_before, c.frequency_now, c.monetary_before, c.monetary_now, func.count()
            ).group_by(c.frequency_before, c.frequency_now, c.monetary_before, c.monetary_now)
        )
    ).all()

    def segment(value: str | None) -> Segment | None:
        return None if value is None else Segment(value)

    segmented = any(r[1] is not None for r in rows)
    return SegmentationRecord(
        app=app,
        quarter=now,
        previous_quarter=before if quarter > FIRST_QUARTER else None,
        frequency=SegmentFlowsRecord.of(
            segment_flows((segment(r[0]), segment(r[1]), r[4]) for r in rows),
            app=app,
            quarter=now,
            measure=SegmentMeasure.FREQUENCY,
        ),
        monetary=SegmentFlowsRecord.of(
            segment_flows((segment(r[2]), segment(r[3]), r[4]) for r in rows),
            app=app,
            quarter=now,
            measure=SegmentMeasure.MONETARY,
        ),
        status=(
            SegmentationStatus.SEGMENTED
            if segmented
            # A quarter without segments: one statement more tells why.
            else await _unsegmented_status(connection, app=app, quarter=quarter)
        ),
    )


async def _unsegmented_status(
    connection: AsyncConnection, *, app: str, quarter: Quarter
) -> SegmentationStatus:
    """NOT_SEGMENTED when the app has sales in the quarter (the segment job derives a
    segment for every account with one), else NO_SALES."""
    sale = SALE_LINE_TABLE.c
    found = await connection.execute(
        select(literal(1))
        .select_from(SALE_LINE_TABLE)
        .join(ACCOUNT_TABLE, account.account_id == sale.account_id)
        .where(
            account.app_id == app,
            sale.sale_date.between(quarter.first_day, quarter.last_day),
        )
        .limit(1)
    )
    return (
        SegmentationStatus.NO_SALES if found.first() is None else SegmentationStatus.NOT_SEGMENTED
    )
