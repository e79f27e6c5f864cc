"""The API over a primary and a real streaming standby (tests/standby.py), through HTTP and the
app's lifespan (which measures the standbys in the background): reads go to the standby, a
lagging standby hands its requests to the primary, a stopped one does not take the API down."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from tests.api_client import TODAY, GraphQLClient
from tests.factories import Seed
from tests.standby import StandbyServer

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

Serve = Callable[..., Any]
ACCOUNT = '{ account(accountId: "%s") { accountId } }'


@pytest.fixture
def serve(engine: AsyncEngine, database_url: str, standby: StandbyServer) -> Serve:
    @asynccontextmanager
    async def start(*, max_lag: float, interval: float) -> AsyncIterator[GraphQLClient]:
        settings = load_settings(
            {
                "PROFILING_TODAY": TODAY,
                "DATABASE_URL": database_url,
                "DATABASE_READ_URL": standby.url,
                "PROFILING_STANDBY_MAX_LAG": str(max_lag),
                "PROFILING_STANDBY_CHECK_INTERVAL": str(interval),
            }
        )
        app = create_app(require_keys=False, settings=settings, engine=engine)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
        ):
            yield GraphQLClient(http)

    return start


async def seed_account(engine: AsyncEngine, account_id: str) -> None:
    seed = Seed()
    seed.account(account_id)
    await seed.write(engine)


async def standby_state(client: GraphQLClient) -> str:
    response = await client.http.get("/healthz")
    assert response.status_code == 200, response.text
    (standby,) = response.json()["standbys"]
    return str(standby["state"])


async def until_state(client: GraphQLClient, state: str, *, within: float = 30.0) -> None:
    async with asyncio.timeout(within):
        while True:
            if await standby_state(client) == state:
                return
            await asyncio.sleep(0.05)


async def reads_served(client: GraphQLClient, database: str) -> float:
    metrics = (await client.http.get("/metrics")).text
    found = re.search(rf'profiling_reads_served_total{{database="{database}"}} (\S+)', metrics)
    return float(found.group(1)) if found else 0.0


async def found(client: GraphQLClient, account_id: str) -> bool:
    body = await client.post(ACCOUNT % account_id)
    if body.get("errors"):
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
        return False
    return bool(body["data"]["account"])


async def counting(
    client: GraphQLClient, database: str, action: Callable[[], Awaitable[object]]
) -> float:
    before = await reads_served(client, database)
    await action()
    return await reads_served(client, database) - before


async def test_reads_go_to_the_standby(
    serve: Serve, engine: AsyncEngine, standby: StandbyServer
) -> None:
    await seed_account(engine, "acc-1")
    await standby.catch_up(engine)
    async with serve(max_lag=60, interval=0.2) as client:
        await until_state(client, "in_rotation")
        health = (await client.http.get("/healthz")).json()
        assert health["status"] == "ok"
        (shown,) = health["standbys"]
        assert shown["name"] == "standby1"
        assert shown["url"].endswith(f":{standby.port}/{engine.url.database}")
        # Replay stops on the standby: what the primary gets now, the API does not show.
        await standby.pause_replay()
        try:
            await seed_account(engine, "acc-2")
            assert await found(client, "acc-1")
            assert not await found(client, "acc-2")
            assert await counting(client, "standby1", lambda: found(client, "acc-1")) >= 1
            assert await counting(client, "primary", lambda: found(client, "acc-1")) == 0
            # The statements a standby runs count in the request's figures too.
            metrics = (await client.http.get("/metrics")).text
            counted = re.search(r"profiling_sql_statements_per_request_sum (\S+)", metrics)
            assert counted is not None
            assert float(counted.group(1)) >= 4
        finally:
            await standby.resume_replay()
        await standby.catch_up(engine)
        assert await found(client, "acc-2")


async def test_a_lagging_standby_gives_its_reads_to_the_primary_until_it_catches_up(
    serve: Serve, engine: AsyncEngine, standby: StandbyServer
) -> None:
    async with serve(max_lag=1, interval=0.1) as client:
        await until_state(client, "in_rotation")
        await standby.pause_replay()
        try:
            await seed_account(engine, "late")
            await until_state(client, "lagging")
            # Never older than the lag allowed: the primary answers, and has the account.
            assert await counting(client, "primary", lambda: found(client, "late")) >= 1
            assert await found(client, "late")
            health = (await client.http.get("/healthz")).json()
            assert "behind the primary" in health["standbys"][0]["reason"]
        finally:
            await standby.resume_replay()
        await until_state(client, "in_rotation")
        assert await counting(client, "standby1", lambda: found(client, "late")) >= 1
        assert await found(client, "late")


async def test_a_standby_that_stops_does_not_take_the_api_down(
    serve: Serve, engine: AsyncEngine, standby: StandbyServer
) -> None:
    await seed_account(engine, "acc-1")
    await standby.catch_up(engine)
    async with serve(max_lag=30, interval=0.2) as client:
        await until_state(client, "in_rotation")
        assert await counting(client, "standby1", lambda: found(client, "acc-1")) >= 1
        standby.stop()
        try:
            # The request that meets the stopped standby moves to the primary, whole.
            for _ in range(5):
                assert await found(client, "acc-1")
            assert await standby_state(client) == "down"
            assert await counting(client, "primary", lambda: found(client, "acc-1")) >= 1
            health = await client.http.get("/healthz")
            assert health.status_code == 200
            assert health.json()["status"] == "ok"
        finally:
            standby.start()
        await until_state(client, "in_rotation")
        assert await counting(client, "standby1", lambda: found(client, "acc-1")) >= 1


async def test_without_standbys_healthz_keeps_its_answer(client: GraphQLClient) -> None:
    response = await client.http.get("/healthz")
    assert response.json() == {"status": "ok"}
