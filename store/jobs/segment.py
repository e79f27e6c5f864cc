"""The segment job: quarterly RFM segments, sales profiles and credit risk of an app's accounts,
recomputed from its sale lines and ledger entries.

An app's derived rows are replaced as a whole inside the caller's transaction, so readers see
the old results or the new ones, never a mix. Lines are streamed account by account, so memory
holds one account's lines at a time plus one small row per account and quarter.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy import Select, Table, case, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.credit import assess_credit
from analytics.quarters import Quarter
from analytics.rfm import (
    BOOK_SEPARATOR,
    QuarterActivity,
    is_recent,
    monetary_values,
    quarterly_activity,
)
from analytics.segments import cluster_values
from settings import SegmentOptions
from store import write_locks
from store.jobs.segment_settings import KeptOptions, kept_options, options_of_app
from store.ledger_entries import ENTRY_COLUMNS, ledger_entry
from store.tables import (
    ACCOUNT_TABLE,
    APP_TABLE,
    CREDIT_RISK_TABLE,
    LEDGER_TABLE,
    QUARTER_SEGMENT_TABLE,
    SALE_LINE_TABLE,
    SALES_PROFILE_TABLE,
)
from store.upsert import upsert

account = ACCOUNT_TABLE.c
sale = SALE_LINE_TABLE.c
ledger = LEDGER_TABLE.c

_QUARTER_COLUMNS = (
    "account_id",
    "quarter",
    "orders",
    "revenue",
    "profit",
    "recency_days",
    "monetary_is_profit",
    "frequency_cluster",
    "frequency_segment",
    "monetary_cluster",
    "monetary_segment",
)
_PROFILE_COLUMNS = (
    "account_id",
    "first_purchase",
    "last_purchase",
    "days_since_purchase",
    "is_recent",
)
_CREDIT_COLUMNS = (
    "account_id",
    "as_of",
    "score",
    "segment",
    "invoiced",
    "outstanding",
    "days_sales_outstanding",
    "overdue_share",
    "average_days_late",
)
_DERIVED_TABLES = (QUARTER_SEGMENT_TABLE, SALES_PROFILE_TABLE, CREDIT_RISK_TABLE)
# Rows fetched per round trip while streaming lines.
_STREAM_ROWS = 20_000

# One row to write, in the order of its table's columns tuple above.
Values = tuple[Any, ...]


class JobProgress(Protocol):
    def start(self, phase: str, total: int | None = None) -> None: ...

    def advance(self, amount: int) -> None: ...


class _NoProgress:
    def start(self, phase: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class AppSegmentation:
    """What the job found for one app."""

    app: str
    accounts_with_sales: int
    quarters: int
    accounts_with_ledger: int
    latest_sale: dt.date | None
    ledger_as_of: dt.date | None
    # The options kept for the app (`profiling segment`), as that command spells them.
    kept_options: str = ""

    def summary(self) -> str:
        accounts = counted(self.accounts_with_sales, "account", "accounts")
        quarters = counted(self.quarters, "quarter", "quarters")
        credit = f"{self.accounts_with_ledger:,} with ledger entries"
        kept = f" (options kept for the app: {self.kept_options})" if self.kept_options else ""
        return f"Segments of app {self.app}: {accounts} with sales over {quarters}, {credit}{kept}"


async def all_apps(connection: AsyncConnection) -> list[str]:
    result = await connection.execute(select(APP_TABLE.c.app_id).order_by(APP_TABLE.c.app_id))
    return list(result.scalars())


def _of_app(table: Table, app: str) -> Select[Any]:
    return (
        select(table.c.account_id)
        .join_from(table, ACCOUNT_TABLE, table.c.account_id == account.account_id)
        .where(account.app_id == app)
    )


async def _count(connection: AsyncConnection, table: Table, app: str) -> int:
    statement = select(func.count()).select_from(_of_app(table, app).subquery())
    return int((await connection.execute(statement)).scalar_one())


async def _by_account(
    connection: AsyncConnection, statement: Select[Any], progress: JobProgress
) -> AsyncIterator[tuple[str, list[Any]]]:
    """(account id, its rows without the id) of a statement ordered by account id."""
    result = await connection.stream(statement.execution_options(yield_per=_STREAM_ROWS))
    current: str | None = None
    rows: list[Any] = []
    async for partition in result.partitions():
        for row in partition:
            if row[0] != current:
                if current is not None:
                    yield current, rows
                current, rows = row[0], []
            rows.append(row[1:])
        progress.advance(len(partition))
    if current is not None:
        yield current, rows


async def _write(
    connection: AsyncConnection, table: Table, columns: tuple[str, ...], rows: list[Values]
) -> None:
    await upsert(connection, table, [dict(zip(columns, row, strict=True)) for row in rows])


def _quarter_rows(
    activities: dict[str, list[QuarterActivity]],
    options: SegmentOptions,
    latest_sale: dt.date | None,
) -> list[Values]:
    """Each account's quarters with their clusters: K-means runs per quarter, on orders and,
    separately, on monetary value."""
    by_quarter: dict[Quarter, list[tuple[str, QuarterActivity]]] = defaultdict(list)
    for account_id, quarters in activities.items():
        for activity in quarters:
            by_quarter[activity.quarter].append((account_id, activity))
    rows: list[Values] = []
    for quarter in sorted(by_quarter):
        members = by_quarter[quarter]
        quarter_activities = [activity for _account, activity in members]
        frequency = cluster_values(
            [activity.orders for activity in quarter_activities], max_clusters=options.max_clusters
        )
        values, is_profit = monetary_values(quarter_activities)
        monetary = cluster_values(values, max_clusters=options.max_clusters)
        frequency_segments = frequency.segments()
        monetary_segments = monetary.segments()
        for index, (account_id, activity) in enumerate(members):
            rows.append(
                (
                    account_id,
                    quarter.label,
                    activity.orders,
                    activity.revenue,
                    activity.profit,
                    activity.recency_days(latest_sale),
                    is_profit,
                    frequency.ranks[index],
                    frequency_segments[index].value,
                    monetary.ranks[index],
                    monetary_segments[index].value,
                )
            )
    return rows


def _profile_rows(
    activities: dict[str, list[QuarterActivity]], options: SegmentOptions
) -> tuple[list[Values], dt.date | None]:
    spans = {
        account_id: (quarters[0].first_purchase, max(q.last_purchase for q in quarters))
        for account_id, quarters in activities.items()
    }
    if not spans:
        return [], None
    latest_sale = max(last for _first, last in spans.values())
    rows: list[Values] = [
        (
            account_id,
            first,
            last,
            (latest_sale - last).days,
            is_recent(last, latest_sale=latest_sale, quarters=options.recent_quarters),
        )
        for account_id, (first, last) in spans.items()
    ]
    return rows, latest_sale


async def _sales_activity(
    connection: AsyncConnection, app: str, progress: JobProgress
) -> dict[str, list[QuarterActivity]]:
    # A named book's number as `analytics.rfm.book_number` gives it, in the statement: two
    # books' `Sales 7` are two orders, and the hot loop stays as it was.
    number = case(
        (or_(sale.book == "", sale.invoice == ""), sale.invoice),
        else_=sale.book + BOOK_SEPARATOR + sale.invoice,
    )
    statement = (
        select(
            *(sale.account_id, sale.sale_date, number, sale.amount, sale.profit),
            # "" is no known type (the sale line's key has no NULL): as NULL was.
            func.nullif(sale.voucher_type, ""),
        )
        .join_from(SALE_LINE_TABLE, ACCOUNT_TABLE, sale.account_id == account.account_id)
        .where(account.app_id == app)
        .order_by(sale.account_id)
    )
    activities: dict[str, list[QuarterActivity]] = {}
    async for account_id, rows in _by_account(connection, statement, progress):
        # Rows are (date, invoice, amount, profit, voucher type) tuples already: no copy
        # into SaleLine.
        quarters = quarterly_activity(rows)
        if quarters:  # an account with returns only has made no purchase
            activities[account_id] = quarters
    return activities


async def _credit_rows(
    connection: AsyncConnection, app: str, options: SegmentOptions, progress: JobProgress
) -> tuple[list[Values], dt.date | None]:
    as_of = (
        await connection.execute(
            select(func.max(ledger.entry_date))
            .join_from(LEDGER_TABLE, ACCOUNT_TABLE, ledger.account_id == account.account_id)
            .where(account.app_id == app)
        )
    ).scalar_one()
    if as_of is None:
        return [], None
    statement = (
        select(ledger.account_id, *ENTRY_COLUMNS)
        .join_from(LEDGER_TABLE, ACCOUNT_TABLE, ledger.account_id == account.account_id)
        .where(account.app_id == app)
        .order_by(ledger.account_id)
    )
    rows: list[Values] = []
    async for account_id, entries in _by_account(connection, statement, progress):
        assessment = assess_credit(map(ledger_entry, entries), as_of=as_of, policy=options.credit)
        measures = assessment.measures
        rows.append(
            (
                account_id,
                as_of,
                assessment.score,
                assessment.segment.value,
                measures.invoiced,
                measures.outstanding,
                measures.days_sales_outstanding,
                measures.overdue_share,
                measures.average_days_late,
            )
        )
    return rows, as_of


async def segment_app(
    connection: AsyncConnection,
    *,
    app: str,
    options: SegmentOptions,
    progress: JobProgress | None = None,
) -> AppSegmentation:
    """Replace the app's quarter segments, sales profiles and credit risks."""
    progress = progress or _NoProgress()
    total = await _count(connection, SALE_LINE_TABLE, app) + await _count(
        connection, LEDGER_TABLE, app
    )
    progress.start(f"Segmenting app {app}", total=total)
    activities = await _sales_activity(connection, app, progress)
    profile_rows, latest_sale = _profile_rows(activities, options)
    quarter_rows = _quarter_rows(activities, options, latest_sale)
    credit_rows, as_of = await _credit_rows(connection, app, options, progress)

    accounts_of_app = select(account.account_id).where(account.app_id == app)
    for table in _DERIVED_TABLES:
        await connection.execute(delete(table).where(table.c.account_id.in_(accounts_of_app)))
    await _write(connection, QUARTER_SEGMENT_TABLE, _QUARTER_COLUMNS, quarter_rows)
    await _write(connection, SALES_PROFILE_TABLE, _PROFILE_COLUMNS, profile_rows)
    await _write(connection, CREDIT_RISK_TABLE, _CREDIT_COLUMNS, credit_rows)
    return AppSegmentation(
        app=app,
        accounts_with_sales=len(profile_rows),
        quarters=len({row[1] for row in quarter_rows}),
        accounts_with_ledger=len(credit_rows),
        latest_sale=latest_sale,
        ledger_as_of=as_of,
    )


async def segment_apps(
    connection: AsyncConnection,
    *,
    apps: Sequence[str] | None = None,
    options: SegmentOptions | None = None,
    progress: JobProgress | None = None,
) -> list[AppSegmentation]:
    """Recompute the given apps (every app when None), one after the other, each with the
    options kept for it (store/jobs/segment_settings.py) over `options` (the environment's
    settings). Raises KeptOptionsConflict when an app's kept options no longer fit them."""
    options = options or SegmentOptions()
    # A load that commits between this run's reads and its writes would have its segments
    # replaced by ones computed without its lines: the run waits for a load writing, and
    # loads wait for it (in a load's own transaction, which holds it already, it waits for
    # nothing).
    await write_locks.hold_loads(connection)
    chosen = await all_apps(connection) if apps is None else sorted(set(apps))
    kept = await kept_options(connection, chosen)
    results = []
    for app in chosen:
        app_kept = kept.get(app, KeptOptions())
        result = await segment_app(
            connection,
            app=app,
            options=options_of_app(app, app_kept, options),
            progress=progress,
        )
        results.append(replace(result, kept_options=app_kept.describe()))
    return results
