"""`/metrics` answers internal keys only: a missing or unknown key is answered exactly as /graphql
answers an unknown key (401), a valid key of another role with 403 saying an internal key is
needed. Under `serve --no-auth` (loopback only) it stays open."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key, revoke_key
from store.scope import Role
from tests.api_client import TODAY, GraphQLClient
from tests.factories import Seed


@pytest.fixture
async def keys(engine: AsyncEngine) -> dict[str, str]:
    seed = Seed()
    seed.account("acc-1", app="north")
    await seed.write(engine)
    made = {}
    for label, role, app, account in (
        ("internal", Role.INTERNAL, None, None),
        ("app", Role.APP, "north", None),
        ("account", Role.ACCOUNT, None, "acc-1"),
        ("public", Role.PUBLIC, None, None),
    ):
        _, made[label] = await create_key(engine, role=role, app_id=app, account_id=account)
    return made


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("who", [None, "nope"])
async def test_metrics_refuse_a_missing_or_unknown_key_as_graphql_refuses_an_unknown_key(
    http: httpx.AsyncClient, keys: dict[str, str], who: str | None
) -> None:
    headers = {} if who is None else _bearer(keys.get(who, "prof_nope_nope"))
    refused = await http.get("/metrics", headers=headers)
    unknown = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers=_bearer("prof_nope_nope")
    )
    assert refused.status_code == unknown.status_code == 401
    assert refused.json() == unknown.json()
    assert refused.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert refused.headers["www-authenticate"] == unknown.headers["www-authenticate"]
    assert "profiling_http_requests" not in refused.text


@pytest.mark.parametrize("who", ["public", "account", "app"])
async def test_metrics_refuse_a_valid_key_of_another_role_with_403_naming_the_key_needed(
    http: httpx.AsyncClient, keys: dict[str, str], who: str
) -> None:
    refused = await http.get("/metrics", headers=_bearer(keys[who]))
    assert refused.status_code == 403
    [error] = refused.json()["errors"]
    assert error == {
        "message": f"Refused: only internal keys get /metrics: the key sent is a valid {who} key",
        "extensions": {"code": "FORBIDDEN"},
    }
    # The key is valid: nothing asks its holder to send another form of it.
    assert "www-authenticate" not in refused.headers
    assert "profiling_http_requests" not in refused.text


async def test_an_internal_key_reads_the_metrics(
    http: httpx.AsyncClient, keys: dict[str, str], engine: AsyncEngine
) -> None:
    await http.post("/graphql", json={"query": "{ __typename }"}, headers=_bearer(keys["app"]))
    response = await http.get("/metrics", headers=_bearer(keys["internal"]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'profiling_http_requests_total{path="/graphql",status="200"} 1.0' in response.text
    # A revoked internal key is an unknown key.
    await revoke_key(engine, key_id=keys["internal"].split("_")[1])
    assert (await http.get("/metrics", headers=_bearer(keys["internal"]))).status_code == 401


async def test_without_keys_the_metrics_stay_open(client: GraphQLClient) -> None:
    response = await client.http.get("/metrics")
    assert response.status_code == 200
    assert "profiling_http_requests" in response.text
