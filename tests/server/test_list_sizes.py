"""Cost estimates from the sizes the store knows: measured at startup and then periodically, so
that a query is never estimated below the rows it can return."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from decimal import Decimal
from typing import Any

import httpx
import pytest
from graphql import parse
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from schema.build import build_schema
from schema.execution.internals import graphql_schema
from schema.limits import ListSizes, current_sizes
from server.answer_rows import answer_rows, answer_shape
from server.app import create_app
from server.list_sizes import ListSizesRefresher, read_list_sizes
from settings import load_settings
from store.engine import create_engine
from store.tables import QUARTER_SEGMENT_TABLE
from store.upsert import upsert
from tests.api_client import TODAY
from tests.factories import Seed

# The attack of issue 12: one account, its contracts, all their metrics.
ATTACK = '{ account(accountId: "acc-1") { contracts { metrics { value } } } }'
DEFINITIONS = [f"m{n}" for n in range(5)]
MONTHS = [f"2022-{month:02}-01" for month in range(1, 13)]


def _contracts(seed: Seed, first: int, count: int) -> None:
    """Contracts ct-<first>... of acc-1 (20 under co-1, the rest under co-2), each with every
    metric in every month."""
    for n in range(first, first + count):
        contract = f"ct-{n:02}"
        seed.contract(contract, company="co-1" if n < 20 else "co-2")
        for name in DEFINITIONS:
            for month in MONTHS:
                seed.metric("contract", contract, name, month, "1")


async def _seed(engine: AsyncEngine, contracts: int) -> None:
    seed = Seed()
    for name in DEFINITIONS:
        seed.definition(name, "count")
    seed.account("acc-1")
    seed.company("co-1", account="acc-1")
    seed.company("co-2", account="acc-1")
    _contracts(seed, 0, contracts)
    await seed.write(engine)


@pytest.fixture
async def serve(engine: AsyncEngine) -> AsyncIterator[Callable[..., Any]]:
    """Apps over the test database, each run through its lifespan (which measures the sizes)."""
    async with AsyncExitStack() as stack:

        async def start(**environment: str) -> tuple[Starlette, httpx.AsyncClient]:
            settings = load_settings({"PROFILING_TODAY": TODAY, **environment})
            app = create_app(settings=settings, engine=engine, require_keys=False)
            await stack.enter_async_context(app.router.lifespan_context(app))
            http = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
            )
            return app, http

        yield start


async def _ask(http: httpx.AsyncClient, query: str = ATTACK) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _refused_cost(body: dict[str, Any]) -> int:
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    found = re.search(r"estimated cost is ([\d,]+) rows", error["message"])
    assert found is not None, error["message"]
    return int(found.group(1).replace(",", ""))


async def test_sizes_are_the_largest_lists_in_the_database(engine: AsyncEngine) -> None:
    assert await read_list_sizes(engine) == ListSizes()  # an empty store
    await _seed(engine, contracts=25)
    seed = Seed()
    seed.industry("retail")
    seed.industry("banking")
    seed.app("north")  # an app without accounts is an app all the same
    seed.account("acc-2", industry="retail")
    seed.account("acc-3", industry="retail")  # of acc-2's app, in one of its quarters
    seed.company("co-3", account="acc-2")
    seed.contract("ct-x", company="co-3")
    seed.metric("account", "acc-2", "m0", "2021-06-01", "1")
    await seed.write(engine)
    async with engine.begin() as connection:
        await upsert(
            connection,
            QUARTER_SEGMENT_TABLE,
            [
                {
                    "account_id": account,
                    "quarter": quarter,
                    "orders": 1,
                    "revenue": Decimal(1),
                    "profit": None,
                    "recency_days": 1,
                    "monetary_is_profit": False,
                    "frequency_cluster": 0,
                    "frequency_segment": "s",
                    "monetary_cluster": 0,
                    "monetary_segment": "s",
                }
                for account, quarter in (
                    ("acc-2", "2021-Q1"),
                    ("acc-2", "2021-Q2"),
                    ("acc-2", "2021-Q3"),
                    ("acc-3", "2021-Q2"),
                )
            ],
        )
    assert await read_list_sizes(engine) == ListSizes(
        companies_per_account=2,
        contracts_per_account=25,
        contracts_per_company=20,
        industries=2,
        metric_definitions=5,
        months=13,
        benchmarks_per_month=0,
        quarters_per_account=3,
        accounts_per_quarter=2,  # acc-2 and acc-3 in 2021-Q2
        apps=2,  # acc-1's default and north
    )


async def test_the_attack_is_estimated_at_least_at_the_rows_it_returns(
    serve: Callable[..., Any], engine: AsyncEngine
) -> None:
    await _seed(engine, contracts=25)
    _, unlimited = await serve()
    answer = await _ask(unlimited)
    assert "errors" not in answer
    rows = answer_rows(answer["data"], answer_shape(parse(ATTACK), None))
    assert rows == 1 + 25 + 25 * 5 * 12  # 1,526; with 5 contracts assumed it was estimated 1,446
    _, limited = await serve(PROFILING_MAX_COST="5000")
    refused = await _ask(limited)
    assert refused["data"] is None
    # 25 contracts, each with at least the typical 12 metrics x 24 months.
    assert _refused_cost(refused) == 1 + 25 + 25 * 12 * 24
    assert _refused_cost(refused) >= rows


async def test_a_refresh_sees_new_data_and_forgets_the_verdicts_of_old_sizes(
    serve: Callable[..., Any], engine: AsyncEngine
) -> None:
    await _seed(engine, contracts=2)
    app, http = await serve(PROFILING_MAX_COST="5000")
    for _ in range(2):  # the second time the validated query runs as it was prepared
        assert len((await _ask(http))["data"]["account"]["contracts"]) == 2
    seed = Seed()
    _contracts(seed, 2, 23)
    await seed.write(engine)
    # Until the next refresh the verdict stands (it may be up to one refresh old).
    assert len((await _ask(http))["data"]["account"]["contracts"]) == 25
    assert await app.state.list_sizes.refresh() is True
    refused = await _ask(http)
    assert refused["data"] is None
    assert _refused_cost(refused) == 1 + 25 + 25 * 12 * 24
    assert await app.state.list_sizes.refresh() is False  # nothing changed: nothing forgotten


async def test_the_sizes_are_measured_again_periodically(engine: AsyncEngine) -> None:
    schema = build_schema()
    sizes = current_sizes(graphql_schema(schema))
    refresher = ListSizesRefresher(engine, schema, every=0.05)
    async with refresher.running():
        assert sizes.lists == ListSizes()  # measured at once: an empty store
        await _seed(engine, contracts=3)
        for _ in range(600):  # a minute at most, however loaded the machine
            if sizes.lists.contracts_per_account == 3:
                break
            await asyncio.sleep(0.1)
    assert sizes.lists.contracts_per_account == 3
    assert sizes.lists.metric_definitions == 5


async def test_an_unreachable_database_leaves_the_floors_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    schema = build_schema()
    try:
        with caplog.at_level(logging.WARNING, logger="profiling.list_sizes"):
            async with ListSizesRefresher(engine, schema).running():
                pass
    finally:
        await engine.dispose()
    assert current_sizes(graphql_schema(schema)).lists == ListSizes()
    assert "list sizes not refreshed" in caplog.text
