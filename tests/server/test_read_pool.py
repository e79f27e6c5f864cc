"""Eight concurrent requests through the app keep to the pool's PostgreSQL sessions: the pool
is opened once, at its size, and no request opens a session of its own (the server opened one
every few requests under 8 clients when its pool overflowed: docs/performance.md)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.engine import create_serving_engine
from tests.api_client import TODAY
from tests.factories import Seed

QUERY = """query ($id: String!) { account(accountId: $id) {
    name metrics(lastFullMonth: true) { metricName value } } }"""


async def _sessions(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        )
        return int(found.scalar_one())


async def test_eight_concurrent_requests_open_no_session_beyond_the_pool(
    engine: AsyncEngine, database_url: str
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("sessions are PostgreSQL's (SQLite reads run in this process)")
    seed = Seed()
    seed.definition("revenue", "EUR")
    for n in range(8):
        seed.account(f"acc-{n}")
        seed.metric("account", f"acc-{n}", "revenue", "2023-04-01", f"{n}.5")
    await seed.write(engine)
    pool_size = 2
    settings = load_settings(
        {"PROFILING_TODAY": TODAY, "PROFILING_DATABASE_POOL_SIZE": str(pool_size)}
    )
    serving = create_serving_engine(
        database_url, statement_timeout=10, pool_size=settings.database_pool_size
    )
    app = create_app(require_keys=False, settings=settings, engine=serving)
    before = await _sessions(engine)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:

            async def request(n: int) -> None:
                variables = {"id": f"acc-{n}"}
                response = await http.post(
                    "/graphql", json={"query": QUERY, "variables": variables}
                )
                body = response.json()
                assert "errors" not in body, body
                assert body["data"]["account"]["metrics"] == [
                    {"metricName": "revenue", "value": f"{n}.5"}
                ]

            for _ in range(5):
                await asyncio.gather(*(request(n) for n in range(8)))
            opened = await _sessions(engine) - before
    finally:
        await serving.dispose()
    # The pool's connections, plus this test's own counting connection (its engine's pool
    # may open one more).
    assert opened <= pool_size + 1
