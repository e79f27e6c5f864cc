"""A query over the cost limit is refused for every key, but only an internal key is told the
estimated cost: its estimate multiplies the largest lists of the whole store (the most
companies of any account, of any app), so its figure would tell an app, account or public key
about other apps' data. The others' estimates count each list at its declared floor, so their
refusal does not move with the data; they are told the limit and which list fields to page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed

MAX_COST = 1_000
# 100 accounts, each with its companies and their contracts: over the limit even with every
# list at its floor (5 companies an account, 5 contracts a company).
QUERY = """{ accounts(first: 100) { edges { node { accountId
  companies { companyId contracts { contractId } } } } } }"""
SHARED = (
    "Query refused: its estimated cost is over the limit of 1,000 rows; its lists multiply "
    "the rows: accounts, accounts.edges.node.companies, accounts.edges.node.companies.contracts. "
    "Ask for smaller pages (first) or fewer nested lists at once"
)


async def _companies(engine: AsyncEngine, account: str, app: str, count: int) -> None:
    seed = Seed()
    seed.account(account, app=app)
    for n in range(count):
        seed.company(f"{account}-co-{n}", account=account)
    await seed.write(engine)


@pytest.fixture
async def served(engine: AsyncEngine) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    settings = load_settings({"PROFILING_TODAY": TODAY, "PROFILING_MAX_COST": str(MAX_COST)})
    app = create_app(settings=settings, engine=engine, require_keys=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield app, http


async def _refusal(http: httpx.AsyncClient, key: str | None) -> dict[str, Any]:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    response = await http.post("/graphql", json={"query": QUERY}, headers=headers)
    assert response.status_code == 200, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
    refusal: dict[str, Any] = error
    return refusal


def _cost(message: str) -> int:
    found = re.fullmatch(
        r"Query refused: its estimated cost is ([\d,]+) rows, over the limit of 1,000", message
    )
    assert found is not None, message
    return int(found.group(1).replace(",", ""))


async def test_only_an_internal_key_is_told_the_cost(
    engine: AsyncEngine, served: tuple[Starlette, httpx.AsyncClient]
) -> None:
    app, http = served
    await _companies(engine, "north-1", "north", 60)
    await _companies(engine, "south-1", "south", 2)
    keys = {
        "app": (await create_key(engine, role=Role.APP, app_id="south"))[1],
        "account": (await create_key(engine, role=Role.ACCOUNT, account_id="south-1"))[1],
        "public": (await create_key(engine, role=Role.PUBLIC))[1],
    }
    await app.state.list_sizes.refresh()
    # The internal key (no key, as with --no-auth) gets the figure.
    before = _cost((await _refusal(http, None))["message"])
    for key in keys.values():
        # Asked twice: the second answer comes from the validation cache.
        assert (await _refusal(http, key))["message"] == SHARED
        assert (await _refusal(http, key))["message"] == SHARED
    # north grows: the internal figure moves, what the others are told does not.
    await _companies(engine, "north-2", "north", 90)
    await app.state.list_sizes.refresh()
    # 100 accounts x 30 more companies, each with its row and its 5 contracts.
    assert _cost((await _refusal(http, None))["message"]) == before + 100 * (90 - 60) * 6
    for key in keys.values():
        assert (await _refusal(http, key))["message"] == SHARED
