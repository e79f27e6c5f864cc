"""The `metrics(names, effectiveDates, lastFullMonth)` filters, shared by every entity level.

Every way into these resolvers (a field of one entity, the batch form of a list of entities,
the look-ahead of a root lookup) hands over the same `MetricArguments`, converted once from
GraphQL by the schema's one `metrics` field (schema/metrics_field.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from analytics.months import first_of_month, last_full_month
from analytics.private_accuracy import FigureAccuracy
from resolvers import figures
from resolvers.benchmark_loaders import RollupKey
from resolvers.context import RequestContext
from resolvers.derived_loads import answer_from, is_loading
from resolvers.errors import bad_input
from resolvers.loaders import AccountMetricsKey, MetricsKey
from store.column_rows import MetricRun
from store.reads.account_metrics import AccountWithMetrics
from store.reads.entities import MetricFilter
from store.records import AccountRecord, MetricRecord
from store.scope import Role
from store.tables import Level


@dataclass(frozen=True, slots=True)
class MetricArguments:
    """The arguments of a `metrics` field, as given (not yet checked)."""

    names: Sequence[str] | None = None
    effective_dates: Sequence[dt.date] | None = None
    last_full: bool = False


async def build_metric_filter(context: RequestContext, arguments: MetricArguments) -> MetricFilter:
    """Validate the arguments and combine them with AND, as the contract documents."""
    names = arguments.names
    if names is not None:
        known = context.known_names
        if known.unknown(names):  # new to this server, or unknown: ask the database
            await context.definitions()  # which teaches the app every name it holds
        unknown = known.unknown(names)
        if unknown:
            raise bad_input(
                f"Unknown metric name(s): {', '.join(unknown)}. "
                "Query metricDefinitions for the names this server knows."
            )
    return _combined(arguments, context)


def _combined(arguments: MetricArguments, context: RequestContext) -> MetricFilter:
    """The filter of arguments already checked (every name known).

    The same arguments give the same filter: it is built once (`_filter_of`) and shared by
    the requests that ask for it, and today is only read for `lastFullMonth`."""
    names, effective_dates = arguments.names, arguments.effective_dates
    return _filter_of(
        None if names is None else tuple(names),
        None if effective_dates is None else tuple(effective_dates),
        context.today if arguments.last_full else None,
    )


# The filter of arguments already checked, for a compiled plan that checks the names itself.
combined_filter = _combined


def filter_of_values(
    names: Sequence[str] | None,
    effective_dates: Sequence[dt.date] | None,
    last_full: bool,
    context: RequestContext,
) -> MetricFilter:
    """`combined_filter` of the arguments given one by one (a compiled plan's, read from its
    variables): the same filter, without a MetricArguments made for it on every request."""
    return _filter_of(
        None if names is None else tuple(names),
        None if effective_dates is None else tuple(effective_dates),
        context.today if last_full else None,
    )


@lru_cache(maxsize=1024)
def _filter_of(
    names: tuple[str, ...] | None,
    effective_dates: tuple[dt.date, ...] | None,
    last_full_of: dt.date | None,
) -> MetricFilter:
    """The filter of these names and dates, and with `last_full_of` (a today) its last full
    month: names sorted without repeats, months (first days) sorted, combined with AND."""
    checked_names = None if names is None else tuple(sorted(set(names)))
    months: set[dt.date] | None = None
    if effective_dates is not None:
        months = {first_of_month(day) for day in effective_dates}
    if last_full_of is not None:
        month = last_full_month(last_full_of)
        months = {month} if months is None else months & {month}
    return MetricFilter(
        names=checked_names, months=None if months is None else tuple(sorted(months))
    )


def prefetch_entity_metrics(
    context: RequestContext, *, level: Level, entity_id: str, arguments: MetricArguments
) -> None:
    """Start loading an entity's rows before the entity itself has been read.

    A root lookup that will be asked for its metrics (`account(...) { metrics {...} }`, the
    most common query) would otherwise read the entity, then its rows: two reads one after the
    other. Started here, the rows' read runs beside the entity's, and the `metrics` field then
    finds it in the DataLoader under the same key. Arguments that the field will refuse (an
    unknown name) start nothing.

    Which keys read ahead, and why this cannot tell a hidden entity from a missing one:

    - An account, for every key: its rows come in the account's own statement
      (store/reads/account_metrics.py), joined to the account under the scope's condition
      (store/scope.py, the one place it is written). A hidden account is one that statement
      filters out before any of its rows is looked for, exactly as an unknown id finds no
      account: no row of it reaches the process, the database does the same work whether it has
      rows or not (tests/store/reads/test_account_metrics_work.py counts SQLite's steps and the
      rows PostgreSQL reads), and the answer is the account lookup's NOT_FOUND as before. So an
      app key, or an account key asking for another account, takes one statement as an
      internal key does, instead of the account, then its rows.
    - Any other entity (a company, a contract, an industry), only when the key surely sees it
      (an internal key): its rows are read by a statement of their own, which knows nothing of
      the scope; read before the scope says the entity exists, the time of the answer would
      tell a hidden entity with many rows from one that does not exist. For any other key its
      rows are read after the entity, like every nested field's."""
    if arguments.names is not None and context.known_names.unknown(arguments.names):
        return
    metric_filter = _combined(arguments, context)
    key = _metrics_key(level, entity_id, metric_filter)
    if key is None:
        return
    if level is Level.ACCOUNT:
        _load_account_with_rows(context, key)
        return
    if context.scope.role is not Role.INTERNAL:
        return
    loading = context.loaders.metrics_by_entity.load(key)
    # The field may never wait for it (the entity does not exist): its error must not be
    # reported as never retrieved.
    asyncio.ensure_future(loading).add_done_callback(_retrieve)


def _load_account_with_rows(context: RequestContext, key: MetricsKey) -> None:
    """The account and its rows in one read (store/reads/account_metrics.py), which answers
    the account's lookup and its `metrics` field through their own loaders' keys."""
    loaders = context.loaders
    rows = loaders.metrics_by_entity
    if is_loading(rows, key):
        return
    # The read's own future: nothing here cancels it, and its two answers are settled a turn
    # of the event loop sooner than through a shield.
    both = loaders.account_with_metrics_by_key.load_unshielded(
        AccountMetricsKey(key.entity_id, key.metric_filter)
    )
    answer_from(rows, key, both, _rows_of)
    answer_from(loaders.account_by_id, key.entity_id, both, _account_of)


def _rows_of(found: AccountWithMetrics | None) -> Sequence[MetricRecord]:
    return [] if found is None else found[1]


def _account_of(found: AccountWithMetrics | None) -> AccountRecord | None:
    return None if found is None else found[0]


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


async def entity_metrics(
    context: RequestContext, *, level: Level, entity_id: str, arguments: MetricArguments
) -> Sequence[MetricRecord]:
    metric_filter = await build_metric_filter(context, arguments)
    return await _load(context, level=level, entity_id=entity_id, metric_filter=metric_filter)


async def entities_metrics(
    context: RequestContext,
    *,
    level: Level,
    entity_ids: Sequence[str],
    arguments: MetricArguments,
) -> list[MetricRun]:
    """`entity_metrics` of many entities of one level with the same arguments, in their order:
    the arguments checked once and the rows loaded in one go (the batch form of
    schema.execution.columns), kept as the read's columns (store/column_rows.py)."""
    metric_filter = await build_metric_filter(context, arguments)
    keys = [_metrics_key(level, entity_id, metric_filter) for entity_id in entity_ids]
    loaded = [key for key in keys if key is not None]
    if not loaded:
        return [MetricRun.empty() for _ in entity_ids]
    found = iter(await context.loaders.metric_runs_by_entity.load_many(loaded))
    return [MetricRun.empty() if key is None else next(found) for key in keys]


def _metrics_key(level: Level, entity_id: str, metric_filter: MetricFilter) -> MetricsKey | None:
    """The DataLoader key of the rows; None when the filter matches nothing (no need to ask
    the database)."""
    if metric_filter.names == () or metric_filter.months == ():
        return None
    return MetricsKey(level, entity_id, metric_filter)


async def _load(
    context: RequestContext, *, level: Level, entity_id: str, metric_filter: MetricFilter
) -> Sequence[MetricRecord]:
    key = _metrics_key(level, entity_id, metric_filter)
    return [] if key is None else await context.loaders.metrics_by_entity.load(key)


async def industry_metrics(
    context: RequestContext, *, industry_id: str, arguments: MetricArguments
) -> list[MetricRecord | RollupRow] | None:
    """Industry-level values, or None when the cohort rule refuses them.

    These are derived from the industry's accounts, so they follow the cohort rule on the
    industry's frozen cohorts (resolvers/figures.py): below the minimum nothing is read at all,
    and the refusal is the same whether the industry has 0 or 4 accounts, data or none.
    Internal keys get the ingested industry-level values and the exact roll-ups of published
    months; every other key gets the private roll-ups only (ingested industry values may be
    exact aggregates of the accounts, which only a private release may show)."""
    # Arguments are validated first, so bad input is reported alike for every industry.
    metric_filter = await build_metric_filter(context, arguments)
    if not await figures.industry_is_open(context, industry_id):
        return None
    if metric_filter.names == () or metric_filter.months == ():
        return []
    ingested: Sequence[MetricRecord] = ()
    if figures.figure_kind(context) is figures.FigureKind.EXACT:
        ingested = await _load(
            context, level=Level.INDUSTRY, entity_id=industry_id, metric_filter=metric_filter
        )
    rollups: list[RollupRow] = []
    for cohort, unit in await context.benchmarks.rollups_by_industry.load(
        RollupKey(industry_id, metric_filter)
    ):
        found = await figures.cohort_figures(context, cohort)
        if found is not None and found.roll_up is not None:
            rollups.append(
                RollupRow(
                    cohort.metric_name,
                    found.roll_up,
                    unit,
                    cohort.month,
                    found.kind,
                    found.roll_up_accuracy,
                    found.roll_up_informative,
                )
            )
    return merge_rows(ingested, rollups)


class RollupRow(NamedTuple):
    """An industry's published roll-up as a metric row, with the kind of figure the key got."""

    metric_name: str
    value: Decimal
    unit: str
    effective_date: dt.date
    figure_kind: figures.FigureKind
    # The private roll-up's public accuracy (None when exact), and whether it is informative.
    accuracy: FigureAccuracy | None = None
    informative: bool = True


def merge_rows(
    ingested: Sequence[MetricRecord], rollups: list[RollupRow]
) -> list[MetricRecord | RollupRow]:
    """Ingested industry values and published roll-ups, ordered by metric then month.
    Where both exist for a metric and month, the ingested value is the one users gave us."""
    if not rollups:
        return list(ingested)
    given = {(row.metric_name, row.effective_date) for row in ingested}
    extra = [row for row in rollups if (row.metric_name, row.effective_date) not in given]
    return sorted([*ingested, *extra], key=lambda row: (row.metric_name, row.effective_date))
