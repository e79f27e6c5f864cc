"""`Query.viewer`: every key is told its own role and what it is bound to, nothing more (a
deck built with it says whether it was read with the customer's own key)."""

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

QUERY = "{ viewer { role appId accountId } }"


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    seed = Seed()
    seed.app("north")
    seed.account("c0", app="north")
    await seed.write(engine)
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


@pytest.mark.parametrize(
    ("role", "bound", "expected"),
    [
        (Role.INTERNAL, {}, {"role": "INTERNAL", "appId": None, "accountId": None}),
        (Role.APP, {"app_id": "north"}, {"role": "APP", "appId": "north", "accountId": None}),
        (
            Role.ACCOUNT,
            {"account_id": "c0"},
            {"role": "ACCOUNT", "appId": "north", "accountId": "c0"},
        ),
        (Role.PUBLIC, {}, {"role": "PUBLIC", "appId": None, "accountId": None}),
    ],
)
async def test_a_key_is_told_what_it_is(
    engine: AsyncEngine,
    http: httpx.AsyncClient,
    role: Role,
    bound: dict[str, str],
    expected: dict[str, str | None],
) -> None:
    _record, key = await create_key(engine, role=role, **bound)
    response = await http.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"viewer": expected}}
