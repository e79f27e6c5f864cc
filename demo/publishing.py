"""Publish the demo's complete months, so that a new user finds sector benchmarks, comparisons
and pulse reports to query as soon as the demo is loaded.

Every month of the demo's window (up to the last full month before `today`) that has
account-level values and is not published yet is published, oldest first, with the given
cohort minimum and privacy budget. A month already published is left as it is (never
revised), so publishing again changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.counts import counted
from demo.calendar import MonthWindow
from demo.catalog import APPS
from store.ingest.progress import IngestProgress, NoProgress
from store.jobs.publish import publish_month
from store.tables import APP_TABLE, METRIC_TABLE, PUBLISHED_MONTH_TABLE, Level


@dataclass(frozen=True, slots=True)
class DemoPublication:
    """What `publish_demo_months` did: the months it published and those published before."""

    published: tuple[dt.date, ...]
    already_published: tuple[dt.date, ...]

    def summary(self) -> str:
        if not self.published and not self.already_published:
            return "No demo month to publish"
        if not self.published:
            months = self.already_published
            return (
                f"Every demo month ({months[0]:%Y-%m} to {months[-1]:%Y-%m}) is published already"
            )
        first, last, count = self.published[0], self.published[-1], len(self.published)
        text = f"Published {counted(count, 'demo month', 'demo months')}: {first:%Y-%m}"
        if count > 1:
            text += f" to {last:%Y-%m}"
        if self.already_published:
            text += f" ({len(self.already_published)} published before)"
        return text


async def holds_demo(engine: AsyncEngine) -> bool:
    """True when the database holds the demo data set (its apps)."""
    async with engine.connect() as connection:
        found = await connection.execute(
            select(APP_TABLE.c.app_id).where(APP_TABLE.c.app_id.in_(APPS))
        )
        return {row[0] for row in found} == set(APPS)


async def demo_months_to_publish(
    engine: AsyncEngine, *, today: dt.date
) -> tuple[list[dt.date], list[dt.date]]:
    """(months to publish, months published already) of the demo's window, oldest first."""
    window = MonthWindow.before(today)
    async with engine.connect() as connection:
        published = set(
            (
                await connection.execute(
                    select(PUBLISHED_MONTH_TABLE.c.month).where(
                        PUBLISHED_MONTH_TABLE.c.month.between(window.dates[0], window.dates[-1])
                    )
                )
            ).scalars()
        )
        pending = []
        for month in window.dates:
            if month in published:
                continue
            values = await connection.execute(
                select(literal(1))
                .select_from(METRIC_TABLE)
                .where(
                    METRIC_TABLE.c.level == Level.ACCOUNT.value,
                    METRIC_TABLE.c.effective_date == month,
                )
                .limit(1)
            )
            if values.first() is not None:
                pending.append(month)
    return pending, sorted(published)


async def publish_demo_months(
    engine: AsyncEngine,
    *,
    today: dt.date,
    min_cohort: int,
    privacy_epsilon: float,
    month_cap: float | None = None,
    progress: IngestProgress | None = None,
) -> DemoPublication:
    """Publish every complete month of the demo not published yet; `progress` counts months."""
    progress = progress or NoProgress()
    pending, published = await demo_months_to_publish(engine, today=today)
    progress.start("Publishing the demo's months", total=len(pending))
    for month in pending:
        await publish_month(
            engine,
            month=month,
            today=today,
            min_cohort=min_cohort,
            privacy_epsilon=privacy_epsilon,
            month_cap=month_cap,
        )
        progress.advance(1)
    return DemoPublication(published=tuple(pending), already_published=tuple(published))
