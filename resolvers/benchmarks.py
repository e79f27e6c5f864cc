"""Benchmarks, comparisons and the pulse report: served from frozen months only, and every
figure across accounts through resolvers/figures.py (the cohort rule, and exact or private)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from analytics.cohort import effective_minimum
from analytics.formatting import format_statistic
from analytics.insights import insight, unplaced
from analytics.months import first_of_month, last_full_month
from analytics.percentiles import percentile_rank
from analytics.privacy_loss import revisions_named, shown
from analytics.private_accuracy import FigureAccuracy
from analytics.private_percentile import private_percentile
from analytics.pulse import (
    EXACT_FIGURES,
    INTERNAL_ONLY_METRICS,
    METHODOLOGY,
    MONTH_COST,
    PRIVATE_FIGURES,
    UNKNOWN_MONTH_COST,
    SectorMedian,
    month_epsilon,
    summarize,
)
from resolvers import lookups
from resolvers.benchmark_loaders import MonthLossKey
from resolvers.context import RequestContext
from resolvers.errors import UserError, bad_input, month_not_published
from resolvers.figures import (
    FigureKind,
    Figures,
    cohort_figures,
    figure_kind,
    internal_only_metrics,
    rank_refusal,
    refusal,
)
from resolvers.formatted_values import formatted_value
from store.records import (
    AccountRecord,
    CohortMembers,
    CohortRecord,
    DefinitionRecord,
    IndustryRecord,
)


@dataclass(frozen=True, slots=True)
class BenchmarkView:
    sector: IndustryRecord
    definition: DefinitionRecord
    month: dt.date
    cohort: CohortRecord | None  # None when no account of the sector had a value
    figures: Figures | None  # None when refused to this key
    refusal: UserError | None = None  # why, when refused

    @property
    def publishable(self) -> bool:
        return self.figures is not None


@dataclass(frozen=True, slots=True)
class ComparisonView:
    account_id: str
    sector: str
    metric: str
    month: dt.date
    customer_value: Decimal
    publishable: bool
    figure_kind: FigureKind | None
    sector_p50: float | None
    sector_p90: float | None
    customer_percentile: int | None
    insight: str | None
    # The sector figures' public accuracy (None for exact ones) and whether they can place the
    # customer's value; None when refused.
    accuracy: FigureAccuracy | None = None
    informative: bool | None = None
    refusal: UserError | None = None  # why the sector figures are refused, when they are
    # Why customer_percentile (and so the insight) is null although the sector figures are
    # given: a private release whose bounds are unknown.
    rank_refusal: UserError | None = None


@dataclass(frozen=True, slots=True)
class PulseView:
    report_name: str
    month: dt.date
    month_summary: list[str]
    min_cohort: int
    sectors_covered: int
    benchmarks: list[BenchmarkView]
    methodology: str
    figure_kind: FigureKind


def _month_text(month: dt.date) -> str:
    return f"{month:%Y-%m}"


async def published_month(
    context: RequestContext, *, effective_date: dt.date | None, last_full: bool
) -> dt.date:
    """The month asked for (any day of it, or the last full month, or by default the latest
    published one), which must be published."""
    months = await context.published_months()
    wanted = None if effective_date is None else first_of_month(effective_date)
    if last_full:
        last = last_full_month(context.today)
        if wanted is not None and wanted != last:
            raise bad_input(
                f"effectiveDate {_month_text(wanted)} and lastFullMonth "
                f"({_month_text(last)}) name different months: pass one of them"
            )
        wanted = last
    if wanted is None:
        if not months:
            raise month_not_published("No month has been published yet")
        return months[-1]
    if wanted not in months:
        latest = f"; the latest published month is {_month_text(months[-1])}" if months else ""
        raise month_not_published(f"{_month_text(wanted)} is not published{latest}")
    return wanted


async def metric_definition(context: RequestContext, metric: str) -> DefinitionRecord:
    definition = (await context.definitions()).get(metric)
    if definition is None:
        raise bad_input(
            f"Unknown metric {metric!r}. Query metricDefinitions for the names this server knows."
        )
    return definition


async def _view(
    context: RequestContext,
    sector: IndustryRecord,
    definition: DefinitionRecord,
    month: dt.date,
    cohort: CohortRecord | None,
) -> BenchmarkView:
    found = await cohort_figures(context, cohort)
    refused = None if found is not None else await refusal(context, cohort)
    return BenchmarkView(sector, definition, month, cohort, found, refused)


async def _benchmarks(
    context: RequestContext,
    sectors: Sequence[IndustryRecord],
    metric: str,
    effective_date: dt.date | None,
    last_full: bool,
) -> list[BenchmarkView]:
    definition = await metric_definition(context, metric)
    month = await published_month(context, effective_date=effective_date, last_full=last_full)
    cohorts = await context.benchmarks.cohort_by_key.load_many(
        [(sector.industry_id, metric, month) for sector in sectors]
    )
    return list(
        await asyncio.gather(
            *(
                _view(context, sector, definition, month, cohort)
                for sector, cohort in zip(sectors, cohorts, strict=True)
            )
        )
    )


async def sector_benchmarks(
    context: RequestContext,
    *,
    metric: str,
    sectors: list[str] | None,
    effective_date: dt.date | None,
    last_full: bool,
) -> list[BenchmarkView]:
    if sectors is None:
        industries = await lookups.all_industries(context)
    else:
        found = await context.loaders.industry_by_id.load_many(list(dict.fromkeys(sectors)))
        unknown = [s for s, record in zip(dict.fromkeys(sectors), found, strict=True) if not record]
        if unknown:
            raise bad_input(
                f"Unknown sector(s): {', '.join(unknown)}. Query industries for their ids."
            )
        industries = [record for record in found if record is not None]
    return await _benchmarks(context, industries, metric, effective_date, last_full)


async def industry_benchmark(
    context: RequestContext,
    *,
    industry: IndustryRecord,
    metric: str,
    effective_date: dt.date | None,
    last_full: bool,
) -> BenchmarkView:
    (view,) = await _benchmarks(context, [industry], metric, effective_date, last_full)
    return view


async def account_comparison(
    context: RequestContext,
    *,
    account: AccountRecord,
    metric: str,
    effective_date: dt.date | None,
    last_full: bool,
    latest_with_value: bool = False,
) -> ComparisonView | None:
    """Where the account ranks in its sector's frozen cohort; None when it has no value there.
    With `latest_with_value`, in the latest published month whose cohort has its value."""
    definition = await metric_definition(context, metric)
    members: CohortMembers | None
    if latest_with_value:
        if effective_date is not None or last_full:
            raise bad_input(
                "latestWithValue picks the month itself: pass it without effectiveDate "
                "and lastFullMonth"
            )
        found_month = await _latest_month_with_value(context, account, metric)
        if found_month is None:
            return None
        month, members = found_month
    else:
        month = await published_month(context, effective_date=effective_date, last_full=last_full)
        if account.industry_id is None:
            return None
        members = await context.benchmarks.members_by_key.load((account.industry_id, metric, month))
    if account.industry_id is None or members is None:
        return None
    if account.account_id not in members.account_ids:
        return None
    key = (account.industry_id, metric, month)
    value = members.values[members.account_ids.index(account.account_id)]
    cohort = await context.benchmarks.cohort_by_key.load(key)
    found = await cohort_figures(context, cohort)
    if found is None:
        return ComparisonView(
            account.account_id,
            account.industry_id,
            metric,
            month,
            value,
            False,
            None,
            None,
            None,
            None,
            None,
            refusal=await refusal(context, cohort),
        )
    assert cohort is not None  # cohort_figures gave figures of it
    unranked = rank_refusal(cohort, found)
    rank = None if unranked else _customer_percentile(found, members.values, value, definition)
    sector = await context.loaders.industry_by_id.load(account.industry_id)
    shown = formatted_value(value, unit=definition.unit, locale="en")
    name = sector.name if sector is not None else account.industry_id
    # A band read off figures that are mostly noise would be a story told from noise; without
    # a rank there is no band to tell, nor a reason of noise to give.
    sentence = None
    if rank is not None and found.informative:
        sentence = insight(
            metric=metric,
            formatted_value=shown,
            sector=name,
            percentile=rank,
            higher_is_better=definition.higher_is_better,
        )
    elif rank is not None:
        sentence = unplaced(metric=metric, formatted_value=shown, sector=name)
    # The account's own percentile and band, and the sector's figures, as its key may have them.
    return ComparisonView(
        account.account_id,
        account.industry_id,
        metric,
        month,
        value,
        True,
        found.kind,
        found.p50,
        found.p90,
        rank,
        sentence,
        found.accuracy,
        found.informative,
        rank_refusal=unranked,
    )


async def _latest_month_with_value(
    context: RequestContext, account: AccountRecord, metric: str
) -> tuple[dt.date, CohortMembers] | None:
    """The latest published month whose frozen cohort of the account's sector has the
    account's value of the metric, with that cohort's members. Usually the month of its latest
    value; an earlier one when that month is not published, or was published before the value
    came (or before the account joined the sector): then each month back costs one more batch
    of reads, as rare as such late data is."""
    if not await context.published_months():
        raise month_not_published("No month has been published yet")
    if account.industry_id is None:
        return None
    months = await context.loaders.published_value_months_by_key.load((account.account_id, metric))
    for month in months:
        members = await context.benchmarks.members_by_key.load((account.industry_id, metric, month))
        if members is not None and account.account_id in members.account_ids:
            return month, members
    return None


async def comparison_benchmark(context: RequestContext, view: ComparisonView) -> BenchmarkView:
    """The sector's benchmark of the month and metric a comparison was made in, as
    sectorBenchmarks gives it to this key (from the loads the comparison made)."""
    sector = await context.loaders.industry_by_id.load(view.sector)
    if sector is None:  # the comparison was made in this sector's frozen cohort
        raise ValueError(f"no industry {view.sector!r}")
    definition = await metric_definition(context, view.metric)
    cohort = await context.benchmarks.cohort_by_key.load((view.sector, view.metric, view.month))
    return await _view(context, sector, definition, view.month, cohort)


def _customer_percentile(
    found: Figures, members: list[Decimal], value: Decimal, definition: DefinitionRecord
) -> int:
    """Internal keys: the exact rank in the frozen cohort. Every other key: the rank read off
    the private figures it is given and the bounds they were drawn with, frozen with them
    (analytics/private_percentile.py says why), never the definition's bounds of today."""
    higher = definition.higher_is_better
    if found.kind is FigureKind.EXACT:
        return percentile_rank(members, value, higher_is_better=higher)
    quantiles = (found.p25, found.p50, found.p75, found.p90)
    bounds = found.bounds
    if None in quantiles or bounds is None:
        # A private release always has its four figures; rank_refusal answers one whose
        # bounds are unknown before this is asked.
        raise ValueError(f"incomplete private release of {definition.name}")
    lower, upper = bounds.as_floats
    return private_percentile(
        float(value),
        quantiles=cast(tuple[float, float, float, float], quantiles),
        lower=lower,
        upper=upper,
        higher_is_better=higher,
    )


async def pulse_report(
    context: RequestContext, *, month: dt.date | None, last_full: bool
) -> PulseView:
    chosen = await published_month(context, effective_date=month, last_full=last_full)
    months = await context.published_months()
    previous_month = max((m for m in months if m < chosen), default=None)
    definitions = await context.definitions()
    industries = {record.industry_id: record for record in await lookups.all_industries(context)}
    current = await _publishable_cohorts(context, chosen)
    previous = await _publishable_cohorts(context, previous_month) if previous_month else []
    views = [
        BenchmarkView(industries[c.industry_id], definitions[c.metric_name], chosen, c, found)
        for c, found in current
    ]

    def medians(cohorts: list[tuple[CohortRecord, Figures]]) -> list[SectorMedian]:
        return [
            SectorMedian(
                industries[c.industry_id].name,
                c.metric_name,
                found.p50,
                definitions[c.metric_name].higher_is_better,
                found.informative,
            )
            for c, found in cohorts
            if found.p50 is not None
        ]

    def formatted(metric: str, number: float) -> str:
        # A sector's median: a count's keeps at most one fraction digit, as in the deck.
        return format_statistic(Decimal(repr(number)), definitions[metric].unit, "en")

    minimum = effective_minimum(context.settings.min_cohort)
    return PulseView(
        report_name=context.settings.report_name,
        month=chosen,
        month_summary=summarize(
            month=chosen,
            current=medians(current),
            previous=medians(previous),
            previous_month=previous_month,
            minimum=minimum,
            formatted=formatted,
        ),
        min_cohort=minimum,
        sectors_covered=len({c.industry_id for c, _ in current}),
        benchmarks=views,
        methodology=METHODOLOGY.format(
            minimum=minimum, privacy=await _privacy_note(context, chosen)
        ),
        figure_kind=figure_kind(context),
    )


async def _privacy_note(context: RequestContext, month: dt.date) -> str:
    """The methodology's sentences on the figures this key gets. For private figures, the
    metrics it never gets figures of (from the month's frozen release, as the refusal reads
    it), so that a report covering fewer metrics than were published says why."""
    if figure_kind(context) is FigureKind.EXACT:
        return EXACT_FIGURES
    settings = context.settings
    # The promise is about this month: its cap (the configured one, else the month's own
    # default, which publish applies), or what its revisions cost an account as stored when
    # that is more (a revision under a higher PROFILING_PRIVACY_MONTH_CAP, a cap lowered
    # since, revisions from before the accountant): never less than the month cost.
    privacy = await context.benchmarks.privacy_by_month.load(
        MonthLossKey(month, settings.privacy_epsilon)
    )
    cap = privacy.default_cap if settings.privacy_month_cap is None else settings.privacy_month_cap
    # The month's own budgets, not today's setting: its releases were drawn with them.
    note = PRIVATE_FIGURES.format(
        epsilon=month_epsilon(privacy.budgets, today=settings.privacy_epsilon),
        cost=(
            UNKNOWN_MONTH_COST.format(revisions=revisions_named(privacy.unknown))
            if privacy.unknown
            else MONTH_COST.format(cap=shown(max(cap, privacy.loss), up=True))
        ),
    )
    cohorts = await context.benchmarks.cohorts_by_month.load(month)
    if metrics := internal_only_metrics(context, cohorts):
        note += INTERNAL_ONLY_METRICS.format(metrics=", ".join(metrics))
    return note


async def _publishable_cohorts(
    context: RequestContext, month: dt.date
) -> list[tuple[CohortRecord, Figures]]:
    """The month's cohorts this key may see, with their figures for it."""
    cohorts = await context.benchmarks.cohorts_by_month.load(month)
    found = await asyncio.gather(*(cohort_figures(context, cohort) for cohort in cohorts))
    return [(c, f) for c, f in zip(cohorts, found, strict=True) if f is not None]
