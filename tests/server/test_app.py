"""The HTTP surface: health, GraphiQL, JSON errors, and what an unexpected failure reveals."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api_client import GraphQLClient
from tests.factories import Seed


async def test_healthz_answers_once_the_database_is_reachable(client: GraphQLClient) -> None:
    response = await client.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_healthz_reports_an_unreachable_database() -> None:
    from server.app import create_app
    from settings import load_settings
    from store.engine import create_engine

    engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    app = create_app(require_keys=False, settings=load_settings({}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.get("/healthz")
    await engine.dispose()
    assert response.status_code == 503


async def test_graphiql_is_served_to_browsers(client: GraphQLClient) -> None:
    response = await client.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_an_unexpected_failure_reveals_nothing(
    client: GraphQLClient, engine: AsyncEngine
) -> None:
    seed = Seed()
    seed.account("acc-1")
    await seed.write(engine)
    # Break the database under the server: a real driver error, not a mock.
    async with engine.begin() as connection:
        await connection.execute(text("ALTER TABLE metric_value RENAME TO metric_value_away"))
    try:
        body = await client.post('{ account(accountId: "acc-1") { accountId metrics { value } } }')
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("ALTER TABLE metric_value_away RENAME TO metric_value"))
    (error,) = body["errors"]
    assert error["message"] == "Unexpected error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert len(error["extensions"]["requestId"]) == 32
    assert "metric_value" not in str(body)
    assert "SELECT" not in str(body)


async def test_metrics_in_prometheus_format(client: GraphQLClient, engine: AsyncEngine) -> None:
    seed = Seed()
    seed.account("acc-1")
    await seed.write(engine)
    await client.post('{ account(accountId: "acc-1") { accountId } }')
    await client.post('{ account(accountId: "nope") { accountId } }')
    response = await client.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'profiling_http_requests_total{path="/graphql",status="200"} 2.0' in text
    assert 'profiling_graphql_errors_total{code="NOT_FOUND"} 1.0' in text
    assert "profiling_http_request_seconds_bucket" in text
    # Each request read one account: one statement each.
    assert "profiling_sql_statements_per_request_count 2.0" in text
    assert "profiling_sql_statements_per_request_sum 2.0" in text
