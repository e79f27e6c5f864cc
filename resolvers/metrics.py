"""The `metrics(names, effectiveDates, lastFullMonth)` filters, shared by every entity type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from analytics.cohort import is_publishable
from analytics.months import first_of_month, last_full_month
from resolvers.benchmark_loaders import RollupKey
from resolvers.context import RequestContext
from resolvers.errors import bad_input
from resolvers.loaders import MetricsKey
from store.reads import MetricFilter
from store.records import MetricRecord


async def build_metric_filter(
    context: RequestContext,
    *,
    names: Sequence[str] | None,
    effective_dates: Sequence[dt.date] | None,
    last_full: bool,
) -> MetricFilter:
    """Validate the arguments and combine them with AND, as the contract documents."""
    checked_names: tuple[str, ...] | None = None
    if names is not None:
        known = context.known_names
        if known.unknown(names):  # new to this server, or unknown: ask the database
            known.learn(await context.definitions())
        unknown = known.unknown(names)
        if unknown:
            raise bad_input(
                f"Unknown metric name(s): {', '.join(unknown)}. "
                "Query metricDefinitions for the names this server knows."
            )
        checked_names = tuple(sorted(set(names)))
    months: set[dt.date] | None = None
    if effective_dates is not None:
        months = {first_of_month(day) for day in effective_dates}
    if last_full:
        month = last_full_month(context.today)
        months = {month} if months is None else months & {month}
    return MetricFilter(
        names=checked_names,
        months=None if months is None else tuple(sorted(months)),
    )


async def entity_metrics(
    context: RequestContext,
    *,
    level: str,
    entity_id: str,
    names: Sequence[str] | None,
    effective_dates: Sequence[dt.date] | None,
    last_full: bool,
) -> list[MetricRecord]:
    metric_filter = await build_metric_filter(
        context, names=names, effective_dates=effective_dates, last_full=last_full
    )
    return await _load(context, level=level, entity_id=entity_id, metric_filter=metric_filter)


async def _load(
    context: RequestContext, *, level: str, entity_id: str, metric_filter: MetricFilter
) -> list[MetricRecord]:
    if metric_filter.names == () or metric_filter.months == ():
        return []  # an empty filter matches nothing: no need to ask the database
    return await context.loaders.metrics_by_entity.load(MetricsKey(level, entity_id, metric_filter))


async def industry_metrics(
    context: RequestContext,
    *,
    industry_id: str,
    names: Sequence[str] | None,
    effective_dates: Sequence[dt.date] | None,
    last_full: bool,
) -> list[MetricRecord] | None:
    """Industry-level values, or None when the cohort rule refuses them.

    These are the ingested industry-level values plus the roll-ups of published months whose
    cohort meets the minimum. They are derived from the industry's accounts, so below the
    minimum nothing is read at all, and the refusal is the same whether the industry has 0 or
    4 accounts, data or none."""
    # Arguments are validated first, so bad input is reported alike for every industry.
    metric_filter = await build_metric_filter(
        context, names=names, effective_dates=effective_dates, last_full=last_full
    )
    accounts = await context.loaders.account_count_by_industry.load(industry_id)
    if not is_publishable(accounts, minimum=context.settings.min_cohort):
        return None
    if metric_filter.names == () or metric_filter.months == ():
        return []
    ingested = await _load(
        context, level="industry", entity_id=industry_id, metric_filter=metric_filter
    )
    rollups = await context.benchmarks.rollups_by_industry.load(
        RollupKey(industry_id, metric_filter)
    )
    return merge_rows(ingested, rollups)


def merge_rows(ingested: list[MetricRecord], rollups: list[MetricRecord]) -> list[MetricRecord]:
    """Ingested industry values and published roll-ups, ordered by metric then month.
    Where both exist for a metric and month, the ingested value is the one users gave us."""
    if not rollups:
        return ingested
    given = {(row.metric_name, row.effective_date) for row in ingested}
    extra = [row for row in rollups if (row.metric_name, row.effective_date) not in given]
    return sorted([*ingested, *extra], key=lambda row: (row.metric_name, row.effective_date))
