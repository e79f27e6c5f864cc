"""What a request read is freed when the request ends, not by a later full collection.

A reference cycle through the request (its executor, its DataLoaders, its read tasks) kept
every row the request read alive until the garbage collector's next full collection, which
then walked and freed them in the middle of another request (a fifth of the 12,000-row query's
time: docs/performance.md). With the collector switched off, nothing a request made may be left
once it has answered."""

from __future__ import annotations

import gc

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.context import RequestContext
from server.app import create_app
from settings import load_settings
from store.records import MetricRecord
from tests.api_client import TODAY
from tests.factories import Seed

ACCOUNTS = 12
QUERIES = [
    # A list of entities: the lean executor's batch of their metrics.
    """{ accounts(first: 100) { edges { node { accountId
         metrics { metricName value unit effectiveDate } } } } }""",
    # One entity, its metrics read ahead by the root lookup.
    """{ account(accountId: "acc-03") { name metrics { metricName value effectiveDate } } }""",
    # Nested entities through the standard executor's per-object resolvers.
    """{ account(accountId: "acc-04") { companies { name } metrics(lastFullMonth: true) {
         metricName formattedValue } } }""",
]


def _alive() -> tuple[int, int]:
    objects = gc.get_objects()
    return (
        sum(type(item) is MetricRecord for item in objects),
        sum(type(item) is RequestContext for item in objects),
    )


async def test_a_request_leaves_nothing_for_the_collector(
    engine: AsyncEngine, collector_off: None
) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.definition("minutes_saved", "minutes")
    for n in range(ACCOUNTS):
        seed.account(f"acc-{n:02d}")
        for month in ("2023-03-01", "2023-04-01"):
            seed.metric("account", f"acc-{n:02d}", "revenue", month, f"{n}.5")
            seed.metric("account", f"acc-{n:02d}", "minutes_saved", month, str(n * 7))
    await seed.write(engine)
    app = create_app(
        require_keys=False, settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        for query in QUERIES:  # the first request of each shape builds what is kept across
            assert "errors" not in (await http.post("/graphql", json={"query": query})).json()
        before = _alive()
        for _ in range(3):
            for query in QUERIES:
                body = (await http.post("/graphql", json={"query": query})).json()
                assert "errors" not in body, body
        after = _alive()
    assert after == before
