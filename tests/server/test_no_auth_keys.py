"""`serve --no-auth`: a request without a key is internal, a request with one is checked as
it would be with keys required, on both POST paths (plain JSON and Strawberry's view)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed

ACCOUNTS = "{ accounts(first: 10) { edges { node { accountId } } } }"


@pytest.fixture
async def keys(engine: AsyncEngine) -> dict[str, str]:
    seed = Seed()
    seed.account("acc-1", app="north")
    seed.account("acc-2", app="south")
    await seed.write(engine)
    made = {}
    for label, role, app, account in (
        ("internal", Role.INTERNAL, None, None),
        ("app", Role.APP, "south", None),
        ("account", Role.ACCOUNT, None, "acc-1"),
        ("public", Role.PUBLIC, None, None),
    ):
        _, made[label] = await create_key(engine, role=role, app_id=app, account_id=account)
    return made


@pytest.fixture(params=["true", "false"], ids=["plain-posts", "strawberry-view"])
async def http(
    engine: AsyncEngine, request: pytest.FixtureRequest
) -> AsyncIterator[httpx.AsyncClient]:
    settings = load_settings({"PROFILING_TODAY": TODAY, "PROFILING_FAST_POSTS": request.param})
    app = create_app(require_keys=False, settings=settings, engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


def _headers(key: str | None) -> dict[str, str]:
    return {} if key is None else {"Authorization": f"Bearer {key}"}


async def _accounts(http: httpx.AsyncClient, key: str | None) -> list[str]:
    answer = await http.post("/graphql", json={"query": ACCOUNTS}, headers=_headers(key))
    assert answer.status_code == 200, answer.text
    edges = answer.json()["data"]["accounts"]["edges"]
    return [edge["node"]["accountId"] for edge in edges]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (None, ["acc-1", "acc-2"]),
        ("internal", ["acc-1", "acc-2"]),
        ("app", ["acc-2"]),
        ("account", ["acc-1"]),
        ("public", []),
    ],
)
async def test_a_key_sent_under_no_auth_sees_what_it_would_see_with_keys(
    http: httpx.AsyncClient, keys: dict[str, str], who: str | None, sees: list[str]
) -> None:
    assert sorted(await _accounts(http, None if who is None else keys[who])) == sees


@pytest.mark.parametrize("header", ["Bearer prof_nope_nope", "Bearer ", "Basic dXNlcjpwYXNz"])
async def test_an_unknown_key_under_no_auth_is_refused_not_answered_with_everything(
    http: httpx.AsyncClient, keys: dict[str, str], header: str
) -> None:
    refused = await http.post(
        "/graphql", json={"query": ACCOUNTS}, headers={"Authorization": header}
    )
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert refused.headers["www-authenticate"] == 'Bearer realm="profiling"'


@pytest.mark.parametrize(
    ("who", "status"), [(None, 200), ("internal", 200), ("account", 403), ("prof_nope_nope", 401)]
)
async def test_metrics_under_no_auth_are_open_without_a_key_and_check_a_key_that_is_sent(
    http: httpx.AsyncClient, keys: dict[str, str], who: str | None, status: int
) -> None:
    answer = await http.get(
        "/metrics", headers=_headers(None if who is None else keys.get(who, who))
    )
    assert answer.status_code == status
