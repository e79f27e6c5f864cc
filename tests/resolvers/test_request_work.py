"""What the smallest request makes and reads of its own, beyond its answer: a metric filter built
once per arguments (its hash kept), today read only by the fields that need it, the request's
attributes made on first use without a lock, the rows' loader made only when a batch needs it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.context import RequestContext
from resolvers.made_once import made_once
from resolvers.metrics import MetricArguments, _combined
from schema.build import build_schema
from settings import load_settings
from store.reads.entities import MetricFilter
from store.scope import INTERNAL
from tests.factories import Seed

SMALL = (
    "query ($id: String!, $month: Date!) { account(accountId: $id) { "
    "metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }"
)


class _Counted:
    made = 0

    @made_once
    def value(self) -> list[int]:
        type(self).made += 1
        return [type(self).made]


def test_made_once_computes_on_first_use_and_keeps_it_per_instance() -> None:
    first, second = _Counted(), _Counted()
    assert "value" not in vars(first)
    assert first.value is first.value
    assert vars(first)["value"] == [1]
    assert second.value == [2]
    assert _Counted.made == 2
    assert isinstance(vars(_Counted)["value"], made_once)


def test_a_filter_is_built_once_per_arguments_and_equals_a_fresh_one() -> None:
    context = RequestContext.build(
        engine=None,  # type: ignore[arg-type]  # no read: only the arguments are combined
        settings=load_settings({"PROFILING_TODAY": "2024-05-17"}),
        scope=INTERNAL,
        reader=object(),  # type: ignore[arg-type]
    )
    arguments = MetricArguments(
        names=["tickets", "revenue", "tickets"],
        effective_dates=[dt.date(2023, 12, 9), dt.date(2023, 3, 1)],
    )
    built = _combined(arguments, context)
    assert built == MetricFilter(
        names=("revenue", "tickets"), months=(dt.date(2023, 3, 1), dt.date(2023, 12, 1))
    )
    assert hash(built) == hash(
        MetricFilter(
            names=("revenue", "tickets"), months=(dt.date(2023, 3, 1), dt.date(2023, 12, 1))
        )
    )
    # The same arguments again (lists, as GraphQL gives them): the same filter, not a copy.
    again = MetricArguments(
        names=["tickets", "revenue", "tickets"],
        effective_dates=[dt.date(2023, 12, 9), dt.date(2023, 3, 1)],
    )
    assert _combined(again, context) is built
    # No lastFullMonth: today is not read.
    assert "today" not in vars(context)
    assert _combined(MetricArguments(last_full=True), context) == MetricFilter(
        months=(dt.date(2024, 4, 1),)
    )
    assert vars(context)["today"] == dt.date(2024, 5, 17)
    later = RequestContext.build(
        engine=None,  # type: ignore[arg-type]
        settings=load_settings({"PROFILING_TODAY": "2024-07-02"}),
        scope=INTERNAL,
        reader=object(),  # type: ignore[arg-type]
    )
    # Another today, another last full month: the filter follows the request's today.
    assert _combined(MetricArguments(last_full=True), later) == MetricFilter(
        months=(dt.date(2024, 6, 1),)
    )
    assert _combined(
        MetricArguments(effective_dates=[dt.date(2024, 6, 30)], last_full=True), later
    ) == MetricFilter(months=(dt.date(2024, 6, 1),))


async def test_the_small_query_reads_no_clock_and_makes_no_rows_loader(
    engine: AsyncEngine,
) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.account("acc-1", app="north")
    seed.metric("account", "acc-1", "revenue", "2023-12-01", "10.5")
    await seed.write(engine)
    settings = load_settings({"PROFILING_TODAY": "2024-05-17"})
    schema = build_schema()
    variables = {"id": "acc-1", "month": "2023-12-01"}
    for run in range(2):  # the first run prepares the operation, the second runs its plan
        context = RequestContext.build(engine=engine, settings=settings, scope=INTERNAL)
        result = await schema.execute(SMALL, variable_values=variables, context_value=context)
        assert result.errors is None
        assert result.data == {
            "account": {
                "metrics": [
                    {
                        "metricName": "revenue",
                        "value": "10.5",
                        "unit": "EUR",
                        "effectiveDate": "2023-12-01",
                    }
                ]
            }
        }
        assert "today" not in vars(context)
        loaders = vars(context.loaders)
        # The rows came with the account's read: their own loader was never needed; the
        # operation's compiled plan reads the account with its rows and makes no other loader.
        if run == 0:
            assert "metrics_by_entity" in loaders
            assert loaders["_runs_later"]._loader is None
        else:
            assert "metrics_by_entity" not in loaders
            assert "_runs_later" not in loaders
