"""A small request leaves no reference cycle behind: everything it built (its context, its
DataLoaders and their cached rows, graphql-core's executor, the tasks of its PostgreSQL reads)
is freed by reference counting as soon as it has answered.

A cycle anywhere in that graph sends the whole graph to the cyclic collector instead: a
young-generation collection every ten small requests or so, about a tenth of their CPU
(docs/performance.md)."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import orjson
from graphql.execution import Executor
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.dataloader import DataLoader

from resolvers.context import RequestContext
from resolvers.loaders import Loaders
from server.app import create_app
from settings import load_settings
from store.records import AccountRecord, MetricRecord
from tests.api_client import TODAY
from tests.factories import Seed

QUERY = """query ($id: String!, $month: Date!) { account(accountId: $id) {
    metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }"""


# What a small request builds, and everything it refers to hangs from: its context, its
# loaders, graphql-core's executor, the records read, the tasks of its reads.
REQUEST_OBJECTS = (
    RequestContext,
    Loaders,
    DataLoader,
    Executor,
    AccountRecord,
    MetricRecord,
    asyncio.Task,
)


async def _post(app: Any, body: bytes) -> bytes:
    """The body of the app's answer to a POST of `body` to /graphql, as uvicorn calls it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[bytes] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            sent.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(sent)


async def test_a_small_request_leaves_no_cycle_for_the_collector(
    engine: AsyncEngine, collector_off: None
) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.definition("visits", "count")
    for n in range(3):
        seed.account(f"acc-{n}")
        seed.metric("account", f"acc-{n}", "revenue", "2023-04-01", f"{n}.5")
        seed.metric("account", f"acc-{n}", "visits", "2023-04-01", str(n))
    await seed.write(engine)
    app = create_app(
        require_keys=False, settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine
    )
    async with app.router.lifespan_context(app):

        def body(n: int) -> bytes:
            variables = {"id": f"acc-{n % 3}", "month": "2023-04-01"}
            return orjson.dumps({"query": QUERY, "variables": variables})

        # The first requests fill the caches (parsed documents, plans, names): not garbage.
        for n in range(3):
            await _post(app, body(n))
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            answers = [await _post(app, body(n)) for n in range(20)]
            gc.collect()
            # Only the request's own objects: a test before this one may have left a task
            # behind whose end (an exception and its traceback) is garbage of its own.
            found = [
                type(thing).__qualname__
                for thing in gc.garbage
                if isinstance(thing, REQUEST_OBJECTS)
            ]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert orjson.loads(answers[0])["data"]["account"]["metrics"] == [
        {"metricName": "revenue", "value": "0.5", "unit": "EUR", "effectiveDate": "2023-04-01"},
        {"metricName": "visits", "value": "0", "unit": "count", "effectiveDate": "2023-04-01"},
    ]
    assert found == []
