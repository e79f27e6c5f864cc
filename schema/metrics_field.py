"""The `metrics(names, effectiveDates, lastFullMonth)` field, defined once for every level.

`metrics_field(level, entity_id)` gives the field of one entity type: its per-entity resolver,
the batch form that loads the rows of a whole list of entities in one call (the lean executor
uses it for lists: schema/execution/columns.py), and its cost. Its arguments become
`MetricArguments` here and only here (`metric_arguments` does the same for the look-ahead of a
root lookup). An industry's metrics are derived from other customers' data: below the cohort
minimum the field answers an empty list and reports the refusal beside the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError

from resolvers import metrics as metric_resolvers
from resolvers.context import RequestContext
from resolvers.errors import cohort_too_small
from resolvers.formatted_values import (
    currencies,
    currency_of,
    formatted_value,
    formatted_values,
)
from resolvers.metrics import MetricArguments
from schema.accuracy_types import FigureAccuracyType, accuracy_type
from schema.enums import FigureKind
from schema.execution.columns import attribute_column, batch_form, column_form
from schema.execution.internals import raw_info
from schema.limits import field_cost, metric_rows_cost
from store.column_rows import ColumnRows, MetricRun
from store.reads.entities import MetricFilter
from store.records import MetricRecord
from store.tables import Level

Info = strawberry.Info[RequestContext, None]

Names = Annotated[
    list[str] | None,
    strawberry.argument(description="Only these metrics (all when omitted)."),
]
EffectiveDates = Annotated[
    list[dt.date] | None,
    strawberry.argument(description="Only these months; any day of a month means that month."),
]
LastFullMonth = Annotated[
    bool | None,
    strawberry.argument(description="Only the last complete calendar month before today."),
]

ENTITY_METRICS_DOC = (
    "The entity's monthly metric values, filtered by every argument given (AND): names keeps "
    "those metrics (an unknown name is BAD_USER_INPUT), effectiveDates those months, "
    "lastFullMonth the last complete calendar month before today. Ordered by metricName, then "
    "effectiveDate; empty when nothing matches."
)
INDUSTRY_METRICS_DOC = (
    "Industry-level values. Below the cohort minimum the list is empty and the "
    "response carries a COHORT_TOO_SMALL error at this field's path, so the other "
    "industries of the same query still answer."
)


def _formatted_values(rows: Sequence[MetricRow], locale: str | None = "en") -> list[str]:
    # MetricRow.formatted_value for a whole list at once (see schema.execution.columns).
    return formatted_values(
        attribute_column(rows, "value"), attribute_column(rows, "unit"), locale=_locale(locale)
    )


def _locale(locale: str | None) -> str:
    # null means the default, as leaving the argument out does; "" is no locale, refused
    # as any unknown one rather than silently read as en.
    return "en" if locale is None else locale


def _currency(root: strawberry.Parent[Any]) -> str | None:
    # MetricRow.currency of one row (a MetricRecord, or a MetricRow).
    return currency_of(root.unit)


def _currencies(rows: Sequence[MetricRow]) -> list[str | None]:
    # MetricRow.currency for a whole list at once.
    return currencies(attribute_column(rows, "unit"))


def _figure_kind(root: strawberry.Parent[Any]) -> FigureKind:
    # Ingested rows (MetricRecord) are exact; an industry's published roll-up (RollupRow) is
    # the figure this key may have, exact or private.
    kind: FigureKind = getattr(root, "figure_kind", FigureKind.EXACT)
    return kind


def _figure_kinds(rows: Sequence[MetricRow]) -> list[FigureKind]:
    # MetricRow.figureKind for a whole list at once.
    if isinstance(rows, ColumnRows) and not hasattr(rows.row_type, "figure_kind"):
        return [FigureKind.EXACT] * len(rows)  # ingested rows kept as columns
    return [getattr(row, "figure_kind", FigureKind.EXACT) for row in rows]


def _accuracy(root: strawberry.Parent[Any]) -> FigureAccuracyType | None:
    # Ingested rows and exact roll-ups have none; a private roll-up (RollupRow) its own.
    return accuracy_type(getattr(root, "accuracy", None), root.unit)


def _accuracies(rows: Sequence[MetricRow]) -> list[FigureAccuracyType | None]:
    return [_accuracy(row) for row in rows]


def _informative(root: strawberry.Parent[Any]) -> bool:
    informative: bool = getattr(root, "informative", True)
    return informative


def _informatives(rows: Sequence[MetricRow]) -> list[bool]:
    return [getattr(row, "informative", True) for row in rows]


@strawberry.type(description="One value of one metric for one entity and one month.")
class MetricRow:
    # Resolved straight from store.records.MetricRecord, whose attributes have these names.
    metric_name: str = strawberry.field(description="The metric's name, as in metricDefinitions.")
    value: Decimal = strawberry.field(
        description="The value in `unit`, and for 'percent' already a percentage (42.5 means "
        "42.5 %): exactly as ingested ('15000.0'), or for an industry's published roll-up the "
        "figure this key may have, exact or differentially private (see figureKind)."
    )
    unit: str = strawberry.field(
        description="The unit as the metric was defined ('euros' stays 'euros')."
    )
    currency: str | None = strawberry.field(
        resolver=_currency,
        description="ISO 4217 code of a currency unit ('EUR' for 'euros'); null for other units.",
        metadata=column_form(_currencies),
    )
    effective_date: dt.date = strawberry.field(
        description=(
            "First day of the month the value describes: metrics for April carry 2023-04-01."
        )
    )
    figure_kind: FigureKind = strawberry.field(
        resolver=_figure_kind,
        description="EXACT for a value as ingested and for the roll-ups internal keys get; "
        "DIFFERENTIALLY_PRIVATE for an industry's published roll-up given to any other key, "
        "which carries noise that can put it far from the true figure (the README's privacy "
        "method).",
        metadata=column_form(_figure_kinds),
    )
    accuracy: FigureAccuracyType | None = strawberry.field(
        resolver=_accuracy,
        description="How precise a differentially private roll-up is, at 95% confidence, from "
        "public facts only (cohort size, privacy budget, the metric's bounds when the month was "
        "published); null for exact values, and for a roll-up whose bounds are unknown (the "
        "README's RELEASE_BOUNDS_UNKNOWN).",
        metadata=column_form(_accuracies),
    )
    informative: bool = strawberry.field(
        resolver=_informative,
        description="Whether the value is precise enough to tell industries apart: true for "
        "exact values, for a private roll-up as accuracy.informative says.",
        metadata=column_form(_informatives),
    )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Human-readable, unit-aware: 5 minutes -> '5min', 15000 euros -> '€15,000' in 'en'."
        ),
        metadata=column_form(_formatted_values),
    )
    def formatted_value(
        self,
        locale: Annotated[
            str | None,
            strawberry.argument(description="A locale such as en, fr, de_CH or pt-BR."),
        ] = "en",
    ) -> str:
        return formatted_value(self.value, unit=self.unit, locale=_locale(locale))


def metric_arguments(arguments: Mapping[str, Any]) -> MetricArguments:
    """The field's arguments as graphql-core coerced them (GraphQL names)."""
    return MetricArguments(
        names=arguments.get("names"),
        effective_dates=arguments.get("effectiveDates"),
        last_full=bool(arguments.get("lastFullMonth")),
    )


def checked_metric_filter(arguments: Mapping[str, Any], context: RequestContext) -> MetricFilter:
    """The filter of the field's arguments (as graphql-core coerced them) whose names are
    checked: `combined_filter` of `metric_arguments`, made without a MetricArguments (a
    compiled plan checks the names itself, on every request)."""
    return metric_resolvers.filter_of_values(
        arguments.get("names"),
        arguments.get("effectiveDates"),
        bool(arguments.get("lastFullMonth")),
        context,
    )


async def entity_rows(
    context: RequestContext, *, level: Level, entity_id: str, arguments: MetricArguments
) -> Sequence[MetricRecord]:
    """The rows of one entity (the per-entity path; lists take the batch form), read-only: they
    may be the same records another request of the loop turn answers with
    (store/reads/account_metrics.py)."""
    return await metric_resolvers.entity_metrics(
        context, level=level, entity_id=entity_id, arguments=arguments
    )


async def _industry_rows(info: Info, industry_id: str, arguments: MetricArguments) -> list[Any]:
    context = info.context
    records = await metric_resolvers.industry_metrics(
        context, industry_id=industry_id, arguments=arguments
    )
    if records is not None:
        return records
    # A raised error would null this non-null list and, through `industries: [Industry!]!`,
    # the whole answer; so the refusal travels beside the data instead.
    refusal = cohort_too_small()
    context.side_errors.append(
        GraphQLError(
            refusal.message,
            nodes=raw_info(info).field_nodes,
            path=info.path.as_list(),
            extensions=refusal.extensions,
        )
    )
    return []


# The per-entity resolvers of the `metrics` fields, by the level they read (for the compiled
# plan of an account's rows, schema/execution/account_rows.py).
_LEVELS: dict[Callable[..., Any], Level] = {}


def metrics_level(resolver: Callable[..., Any]) -> Level | None:
    """The level whose rows `resolver` answers, when it is a `metrics` field's own."""
    return _LEVELS.get(resolver)


def metrics_field(level: Level, entity_id: Callable[[Any], str]) -> Any:
    """The `metrics` field of the entity type of `level`, whose objects give their id through
    `entity_id`."""

    async def metrics(
        self: Any,
        info: Info,
        names: Names = None,
        effective_dates: EffectiveDates = None,
        last_full_month: LastFullMonth = False,
    ) -> list[MetricRow]:
        arguments = MetricArguments(names, effective_dates, bool(last_full_month))
        if level is Level.INDUSTRY:
            return await _industry_rows(info, entity_id(self), arguments)
        # MetricRecord has MetricRow's attributes: rows go out without a copy (graphql-core only
        # iterates a list field's value).
        rows = await entity_rows(
            info.context, level=level, entity_id=entity_id(self), arguments=arguments
        )
        return cast("list[MetricRow]", rows)

    _LEVELS[metrics] = level

    async def metrics_of(
        rows: Sequence[Any],
        context: RequestContext,
        names: list[str] | None = None,
        effective_dates: list[dt.date] | None = None,
        last_full_month: bool | None = False,
    ) -> list[MetricRun]:
        return await metric_resolvers.entities_metrics(
            context,
            level=level,
            entity_ids=[entity_id(row) for row in rows],
            arguments=MetricArguments(names, effective_dates, bool(last_full_month)),
        )

    if level is Level.INDUSTRY:
        # No batch form: the cohort rule and its refusals beside the data work per industry.
        return strawberry.field(
            resolver=metrics,
            description=INDUSTRY_METRICS_DOC,
            metadata=field_cost(metric_rows_cost),
        )
    return strawberry.field(
        resolver=metrics,
        description=ENTITY_METRICS_DOC,
        metadata={**batch_form(metrics_of), **field_cost(metric_rows_cost)},
    )
