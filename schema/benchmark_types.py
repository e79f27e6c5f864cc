"""Sector benchmarks, customer comparisons and the pulse report.

A refused value is a nullable field that resolves to null with a COHORT_TOO_SMALL error at its
path, so a client learns that it was withheld, never what the cohort's size was."""

from __future__ import annotations

import datetime as dt

import strawberry

from analytics.months import days_in_month
from resolvers.benchmarks import BenchmarkView, ComparisonView, PulseView, comparison_benchmark
from resolvers.context import RequestContext
from resolvers.errors import cohort_too_small
from resolvers.formatted_values import currency_of
from schema.accuracy_types import (
    ACCURACY_FIELD_DOC,
    INFORMATIVE_FIELD_DOC,
    FigureAccuracyType,
    accuracy_type,
)
from schema.enums import FigureKind
from schema.limits import field_cost, typical

Info = strawberry.Info[RequestContext, None]

SECTOR_BENCHMARK_DOC = """Percentiles of one metric across the accounts of one sector for one
month, linear interpolation (PostgreSQL percentile_cont, numpy's default). When fewer than 5
distinct accounts have a value, publishable is false, cohortSize is null, and each requested
percentile field resolves to null with an error whose extensions.code is "COHORT_TOO_SMALL".
The refusal looks the same for 0 and for 4."""

PERCENTILE_DOC = (
    "The {name} of the cohort's values, in the metric's unit: exact (linear "
    "interpolation, rounded to 2 decimals) for internal keys, a differentially private release "
    "for the others (see figureKind). Null with COHORT_TOO_SMALL when refused."
)
FIGURE_KIND_FIELD_DOC = (
    "Whether the figures across accounts are exact or differentially private; null when refused."
)

COMPARISON_DOC = """customerPercentile is the share of the cohort with a value at or below the
customer's, 0-100, rounded; for a metric where lower is better it is measured the other way
round. Internal keys get it counted in the exact cohort, the others read off the private figures
they are given and the bounds those were drawn with. The same cohort rule applies: below 5
accounts, sectorP50, sectorP90 and customerPercentile are refused (null and COHORT_TOO_SMALL)
and insight is null."""


@strawberry.type(description=SECTOR_BENCHMARK_DOC)
class SectorBenchmark:
    view: strawberry.Private[BenchmarkView]

    @strawberry.field(description="The sector's industryId.")  # type: ignore[untyped-decorator]
    def sector(self) -> str:
        return self.view.sector.industry_id

    @strawberry.field(description="The sector's name.")  # type: ignore[untyped-decorator]
    def sector_name(self) -> str:
        return self.view.sector.name

    @strawberry.field(description="The metric's name, as in metricDefinitions.")  # type: ignore[untyped-decorator]
    def metric(self) -> str:
        return self.view.definition.name

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The unit of the percentiles, as the metric was defined ('euros' stays "
        "'euros'; 'percent' values are percentages: 42.5 means 42.5 %)."
    )
    def unit(self) -> str:
        return self.view.definition.unit

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="ISO 4217 code of a currency unit ('EUR' for 'euros'); null for other units."
    )
    def currency(self) -> str | None:
        return currency_of(self.view.definition.unit)

    @strawberry.field(description="First day of the month the benchmark describes.")  # type: ignore[untyped-decorator]
    def effective_date(self) -> dt.date:
        return self.view.month

    @strawberry.field(description="Length of the month, in days.")  # type: ignore[untyped-decorator]
    def sample_period_days(self) -> int:
        return days_in_month(self.view.month)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Whether this key may have the figures: false when the cohort has fewer "
        "than 5 accounts (or fewer than 5 besides the key's own), or, for a key other than "
        "internal, when the metric declared no bounds when the month was published "
        "(INTERNAL_ONLY). Then cohortSize, figureKind and the percentiles are null."
    )
    def publishable(self) -> bool:
        return self.view.publishable

    @strawberry.field(description="Distinct accounts in the cohort; null when refused.")  # type: ignore[untyped-decorator]
    def cohort_size(self) -> int | None:
        cohort = self.view.cohort
        return cohort.cohort_size if cohort is not None and self.view.publishable else None

    @strawberry.field(description=FIGURE_KIND_FIELD_DOC)  # type: ignore[untyped-decorator]
    def figure_kind(self) -> FigureKind | None:
        found = self.view.figures
        return None if found is None else found.kind

    @strawberry.field(description=ACCURACY_FIELD_DOC)  # type: ignore[untyped-decorator]
    def accuracy(self) -> FigureAccuracyType | None:
        found = self.view.figures
        if found is None:
            return None
        return accuracy_type(found.accuracy, self.view.definition.unit)

    @strawberry.field(description=INFORMATIVE_FIELD_DOC)  # type: ignore[untyped-decorator]
    def informative(self) -> bool | None:
        found = self.view.figures
        return None if found is None else found.informative

    def _percentile(self, name: str) -> float | None:
        found = self.view.figures
        if found is None:
            raise self.view.refusal or cohort_too_small()
        value: float | None = getattr(found, name)
        return value

    @strawberry.field(description=PERCENTILE_DOC.format(name="25th percentile"))  # type: ignore[untyped-decorator]
    def p25(self) -> float | None:
        return self._percentile("p25")

    @strawberry.field(description=PERCENTILE_DOC.format(name="median (50th percentile)"))  # type: ignore[untyped-decorator]
    def p50(self) -> float | None:
        return self._percentile("p50")

    @strawberry.field(description=PERCENTILE_DOC.format(name="75th percentile"))  # type: ignore[untyped-decorator]
    def p75(self) -> float | None:
        return self._percentile("p75")

    @strawberry.field(description=PERCENTILE_DOC.format(name="90th percentile"))  # type: ignore[untyped-decorator]
    def p90(self) -> float | None:
        return self._percentile("p90")


@strawberry.type(description=COMPARISON_DOC)
class CustomerComparison:
    view: strawberry.Private[ComparisonView]

    @strawberry.field(description="The account compared.")  # type: ignore[untyped-decorator]
    def account_id(self) -> str:
        return self.view.account_id

    @strawberry.field(description="The sector's industryId.")  # type: ignore[untyped-decorator]
    def sector(self) -> str:
        return self.view.sector

    @strawberry.field(description="The metric's name, as in metricDefinitions.")  # type: ignore[untyped-decorator]
    def metric(self) -> str:
        return self.view.metric

    @strawberry.field(description="First day of the published month compared.")  # type: ignore[untyped-decorator]
    def effective_date(self) -> dt.date:
        return self.view.month

    @strawberry.field(description="The customer's own value in the frozen month.")  # type: ignore[untyped-decorator]
    def customer_value(self) -> float:
        return float(self.view.customer_value)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The sector's median in the metric's unit, as this key may have it (see "
        "figureKind); null with COHORT_TOO_SMALL when refused."
    )
    def sector_p50(self) -> float | None:
        if not self.view.publishable:
            raise self.view.refusal or cohort_too_small()
        return self.view.sector_p50

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The sector's 90th percentile in the metric's unit, as this key may have "
        "it (see figureKind); null with COHORT_TOO_SMALL when refused."
    )
    def sector_p90(self) -> float | None:
        if not self.view.publishable:
            raise self.view.refusal or cohort_too_small()
        return self.view.sector_p90

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Share of the cohort at or below the customer's value (at or above it "
        "where lower is better), 0 to 100: for internal keys counted in the exact cohort; for "
        "the others read off the differentially private p25-p90 this key is given and the "
        "bounds they were drawn with, frozen with them when the month was published, whatever "
        "the metric declares since (straight lines between them), so that it tells nothing of "
        "the other members' values (see figureKind). Null with COHORT_TOO_SMALL when refused; "
        "null with RELEASE_BOUNDS_UNKNOWN for a month published before the server kept a "
        "release's bounds, when the metric no longer declares bounds the release fits (the "
        "sector figures are still given, insight is null)."
    )
    def customer_percentile(self) -> int | None:
        if not self.view.publishable:
            raise self.view.refusal or cohort_too_small()
        if self.view.rank_refusal is not None:
            raise self.view.rank_refusal
        return self.view.customer_percentile

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="One sentence for a slide; null when the cohort is refused, and when "
        "customerPercentile is null with RELEASE_BOUNDS_UNKNOWN."
    )
    def insight(self) -> str | None:
        return self.view.insight

    @strawberry.field(description=FIGURE_KIND_FIELD_DOC)  # type: ignore[untyped-decorator]
    def figure_kind(self) -> FigureKind | None:
        return self.view.figure_kind

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=ACCURACY_FIELD_DOC + " The accuracy of the sector's percentiles that "
        "sectorP50, sectorP90 and customerPercentile are read from."
    )
    def accuracy(self) -> FigureAccuracyType | None:
        return accuracy_type(self.view.accuracy, "")

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=INFORMATIVE_FIELD_DOC + " When false the insight says the value cannot "
        "be placed instead of giving a band."
    )
    def informative(self) -> bool | None:
        return self.view.informative

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The sector's benchmark of the metric in the month compared, as "
        "sectorBenchmarks gives it to this key for that month (refused field by field like it)."
    )
    async def benchmark(self, info: Info) -> SectorBenchmark:
        return SectorBenchmark(view=await comparison_benchmark(info.context, self.view))


@strawberry.type(
    description=(
        "The monthly public benchmark report: only publishable benchmarks, never a single customer."
    )
)
class PulseReport:
    view: strawberry.Private[PulseView]

    @strawberry.field(description="The report's title, as the server is configured.")  # type: ignore[untyped-decorator]
    def report_name(self) -> str:
        return self.view.report_name

    @strawberry.field(description="First day of the published month the report describes.")  # type: ignore[untyped-decorator]
    def month(self) -> dt.date:
        return self.view.month

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Sentences for a slide, in English: the month's coverage, the best "
        "sector median of each metric and each sector median's change since the previous "
        "published month, values formatted in their unit. Only informative medians are cited "
        "(see SectorBenchmark.informative); a sentence says when no sector's are."
    )
    def month_summary(self) -> list[str]:
        return self.view.month_summary

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The fewest distinct accounts a figure is derived from (never below 5)."
    )
    def min_cohort_for_publication(self) -> int:
        return self.view.min_cohort

    @strawberry.field(description="Sectors with at least one benchmark in the report.")  # type: ignore[untyped-decorator]
    def sectors_covered(self) -> int:
        return self.view.sectors_covered

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Every benchmark of the month this key may have (publishable ones only).",
        metadata=field_cost(typical("benchmarks_per_month", floor=500)),
    )
    def benchmarks(self) -> list[SectorBenchmark]:
        return [SectorBenchmark(view=view) for view in self.view.benchmarks]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="How the figures are computed and protected, in plain words."
    )
    def methodology(self) -> str:
        return self.view.methodology

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Whether the report's figures are exact or differentially private."
    )
    def figure_kind(self) -> FigureKind:
        return self.view.figure_kind
