"""Fields beside a failed one run to their end, and every failed field reports its own error,
whether it is nullable (recorded where it failed) or not (its error travels with the one that
nulls the parent): by both executors, the same every time."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncEngine

from schema.execution.field_gathering import errors_beside, gather_all
from tests.api_client import GraphQLClient
from tests.factories import Seed
from tests.schema.execution.differential.support import DifferentialClient, differential_client


@pytest.fixture
async def unpublished(engine: AsyncEngine) -> None:
    """Data, but no month published: benchmarks and the pulse report all fail."""
    seed = Seed()
    seed.industry("retail")
    seed.definition("revenue", "EUR")
    seed.account("acc-1", industry="retail")
    seed.metric("account", "acc-1", "revenue", "2023-04-01", "10")
    await seed.write(engine)


def _errors(body: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    return [(tuple(e["path"]), e["extensions"]["code"]) for e in body["errors"]]


async def test_two_failed_root_fields_report_two_errors(
    client: GraphQLClient, unpublished: None
) -> None:
    body = await client.post(
        """{ pulseReport { month } sectorBenchmarks(metric: "revenue") { sector } }"""
    )
    assert body["data"] is None
    assert _errors(body) == [
        (("pulseReport",), "MONTH_NOT_PUBLISHED"),
        (("sectorBenchmarks",), "MONTH_NOT_PUBLISHED"),
    ]
    # In field order, whichever failed first; each with its own location.
    swapped = await client.post(
        """{ sectorBenchmarks(metric: "revenue") { sector } pulseReport { month } }"""
    )
    assert _errors(swapped) == [
        (("sectorBenchmarks",), "MONTH_NOT_PUBLISHED"),
        (("pulseReport",), "MONTH_NOT_PUBLISHED"),
    ]
    assert [e["locations"] for e in swapped["errors"]] == [
        [{"line": 1, "column": 3}],
        [{"line": 1, "column": 50}],
    ]


async def test_failed_fields_under_a_nullable_parent_report_their_own_errors(
    client: GraphQLClient, unpublished: None
) -> None:
    body = await client.post(
        """{ industry(industryId: "retail") {
               name a: accounts(first: 0) { totalCount } b: accounts(first: 101) { totalCount }
               benchmark(metric: "revenue") { p50 } }
             industries { industryId } }"""
    )
    # The nullable benchmark records its error where it fails; of the two non-null accounts,
    # the first in field order nulls the industry and the other is reported beside it.
    assert body["data"] == {"industry": None, "industries": [{"industryId": "retail"}]}
    assert _errors(body) == [
        (("industry", "benchmark"), "MONTH_NOT_PUBLISHED"),
        (("industry", "a"), "BAD_USER_INPUT"),
        (("industry", "b"), "BAD_USER_INPUT"),
    ]
    assert "got 0" in body["errors"][1]["message"]
    assert "got 101" in body["errors"][2]["message"]


QUERIES = [
    """{ pulseReport { month } sectorBenchmarks(metric: "revenue") { sector } }""",
    """{ a: accounts(first: 0) { totalCount } industries { name }
         x: industry(industryId: "retail") { b: accounts(first: -1) { totalCount } }
         c: companies(companyIds: ["co"], first: 500) { totalCount } pulseReport { month } }""",
    """{ accounts { edges { node { accountId
           comparison(metric: "revenue") { sectorP50 } bad: metrics(names: ["nope"]) { value }
           worse: metrics(effectiveDates: ["2023-04-01"], names: ["nope", "none"]) { value } } } }
         contracts(after: "garbage") { totalCount } }""",
]


@pytest.mark.parametrize("query", QUERIES)
async def test_both_executors_report_the_same_errors_every_time(
    engine: AsyncEngine, unpublished: None, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    client: DifferentialClient
    async with differential_client(engine, monkeypatch) as client:
        lean = [await client.post(query) for _ in range(3)]
        with client.standard_executor():
            standard = await client.post(query)
    assert lean[0] == lean[1] == lean[2] == standard
    paths = [tuple(error["path"]) for error in standard["errors"]]
    assert len(paths) == len(set(paths)) >= 2, standard


async def test_gather_all_raises_the_first_error_in_order_carrying_the_others() -> None:
    finished: list[str] = []

    async def fails(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        finished.append(name)
        raise GraphQLError(name)

    async def succeeds() -> str:
        await asyncio.sleep(0.02)
        finished.append("ok")
        return "ok"

    async def fails_with_its_own() -> None:
        # A field below, whose own gather failed twice (a non-null parent of two failures).
        await gather_all(fails("inner", 0.0), fails("nested", 0.0))

    with pytest.raises(GraphQLError) as raised:
        await gather_all(
            fails("first", 0.03), succeeds(), fails("second", 0.0), fails_with_its_own()
        )
    # Every awaitable finished; the first in order, not in time, is raised.
    assert sorted(finished) == ["first", "inner", "nested", "ok", "second"]
    assert raised.value.message == "first"
    assert [error.message for error in errors_beside(raised.value)] == [
        "second",
        "inner",
        "nested",
    ]
    assert await gather_all(succeeds(), succeeds()) == ["ok", "ok"]
