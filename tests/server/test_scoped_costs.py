"""Query costs of app and account keys, estimated with the list sizes of their own data
(schema/scoped_sizes.py): a huge query over a key's own large data is refused up front, before
it runs or is charged, as an internal key's is; the same query by a key whose own data is small
runs, in the same server, whatever the store holds elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
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

MAX_COST = 10_000
# 100 accounts x (the account, its edge and node, its companies, their contracts): at the
# floors (5 companies an account, 5 contracts a company) 3,300 rows, allowed; over the big
# account's 40 companies of 30 contracts each, 124,300, refused.
HUGE = "{ accounts(first: 100) { edges { node { companies { contracts { contractId } } } } } }"
BIG_COMPANIES, BIG_CONTRACTS = 40, 30


async def _seed(engine: AsyncEngine, *, small_contracts: int = 2) -> None:
    """App big: big-1 with 40 companies of 30 contracts each, big-2 with 2 of 2; app small:
    small-1 with 2 companies of `small_contracts` contracts each."""
    seed = Seed()
    for account, app, companies, contracts in (
        ("big-1", "big", BIG_COMPANIES, BIG_CONTRACTS),
        ("big-2", "big", 2, 2),
        ("small-1", "small", 2, small_contracts),
    ):
        seed.account(account, app=app)
        for c in range(companies):
            company = f"{account}-co-{c}"
            seed.company(company, account=account)
            for n in range(contracts):
                seed.contract(f"{company}-ct-{n}", company=company)
    await seed.write(engine)


@pytest.fixture
async def serve(engine: AsyncEngine) -> AsyncIterator[Callable[..., Any]]:
    async with AsyncExitStack() as stack:

        async def start(fast_posts: str = "true") -> tuple[Starlette, httpx.AsyncClient]:
            settings = load_settings(
                {
                    "PROFILING_TODAY": TODAY,
                    "PROFILING_MAX_COST": str(MAX_COST),
                    "PROFILING_FAST_POSTS": fast_posts,
                }
            )
            app: Starlette = create_app(settings=settings, engine=engine)
            await stack.enter_async_context(app.router.lifespan_context(app))
            http = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
            )
            return app, http

        yield start


async def _keys(engine: AsyncEngine) -> dict[str, str]:
    return {
        "internal": (await create_key(engine, role=Role.INTERNAL))[1],
        "big": (await create_key(engine, role=Role.APP, app_id="big"))[1],
        "small": (await create_key(engine, role=Role.APP, app_id="small"))[1],
        "big-1": (await create_key(engine, role=Role.ACCOUNT, account_id="big-1"))[1],
        "big-2": (await create_key(engine, role=Role.ACCOUNT, account_id="big-2"))[1],
    }


async def _ask(http: httpx.AsyncClient, key: str) -> tuple[int, dict[str, Any]]:
    response = await http.post(
        "/graphql", json={"query": HUGE}, headers={"Authorization": f"Bearer {key}"}
    )
    body: dict[str, Any] = response.json()
    return response.status_code, body


def _refused(body: dict[str, Any], *, internal: bool = False) -> bool:
    codes = [error["extensions"]["code"] for error in body.get("errors") or ()]
    if codes == ["QUERY_TOO_COMPLEX"]:
        assert body.get("data") is None  # refused before it ran: nothing of it answered
        # Figures for internal keys only; every other key gets the shared wording.
        expected = (
            "Query refused: its estimated cost is 124,300 rows, over the limit of 10,000"
            if internal
            else f"Query refused: its estimated cost is over the limit of {MAX_COST:,} rows; "
            "its lists multiply the rows: accounts, "
        )
        assert body["errors"][0]["message"].startswith(expected), body
        return True
    assert codes == [], body
    return False


def _contracts(body: dict[str, Any]) -> int:
    return sum(
        len(company["contracts"])
        for edge in body["data"]["accounts"]["edges"]
        for company in edge["node"]["companies"]
    )


@pytest.mark.parametrize("fast_posts", ["true", "false"])
async def test_a_huge_query_over_a_keys_own_large_data_is_refused_up_front(
    engine: AsyncEngine, serve: Callable[..., Any], fast_posts: str
) -> None:
    """The same text by every key of one server, the small ones first (their verdict and
    prepared document must not pass it for the big ones) and again at the end."""
    await _seed(engine)
    keys = await _keys(engine)
    _app, http = await serve(fast_posts)
    order = ["small", "big-2", "big", "big-1", "internal", "small", "big-2", "big"]
    verdicts: dict[str, list[bool]] = {}
    for name in order:
        status, body = await _ask(http, keys[name])
        assert status == 200, body
        refused = _refused(body, internal=name == "internal")
        verdicts.setdefault(name, []).append(refused)
        if not refused:  # it ran: its own rows only
            assert _contracts(body) == 4, name
    assert verdicts == {
        # An app key over its own accounts: big-1's lists are its own.
        "big": [True, True],
        "small": [False, False],
        # An account key over its own account only: big-2 is never estimated with big-1's
        # lists, though they are its app's.
        "big-1": [True],
        "big-2": [False, False],
        "internal": [True],
    }


async def test_the_refusal_is_not_charged(engine: AsyncEngine, serve: Callable[..., Any]) -> None:
    """Refused up front, it takes nothing from the key's bucket: a bucket that holds one
    small query (the burst is the cost limit) still pays for it after any number of
    refusals."""
    await _seed(engine)
    keys = await _keys(engine)
    _app, http = await serve()
    for _ in range(5):
        assert _refused((await _ask(http, keys["big"]))[1])
    response = await http.post(
        "/graphql",
        json={"query": "{ accounts(first: 100) { edges { node { accountId } } } }"},
        headers={"Authorization": f"Bearer {keys['big']}"},
    )
    assert response.status_code == 200, response.text
    assert "errors" not in response.json()


async def test_a_key_whose_own_data_grows_is_refused_after_the_next_refresh(
    engine: AsyncEngine, serve: Callable[..., Any]
) -> None:
    """The verdicts remembered for the small app's sizes (validation, prepared document, rate
    cost) are not used once its sizes changed; nor are they emptied for every other key (the
    store-wide sizes did not change: big-1's lists are still the largest)."""
    await _seed(engine)
    keys = await _keys(engine)
    app, http = await serve()
    assert not _refused((await _ask(http, keys["small"]))[1])
    assert not _refused((await _ask(http, keys["small"]))[1])  # prepared now
    prepared = app.state.schema.prepared
    kept = len(prepared)
    await _seed(engine, small_contracts=BIG_CONTRACTS)
    assert not await app.state.list_sizes.refresh()  # no store-wide size changed
    assert len(prepared) == kept
    assert _refused((await _ask(http, keys["small"]))[1])
    # big-2's own data did not change: still allowed.
    assert not _refused((await _ask(http, keys["big-2"]))[1])
