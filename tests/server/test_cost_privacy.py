"""What query costs tell, tested as an attacker would: a key sends the same probes (pages of
every size under a nested list, until refused; then again and again until rate limited) to two
stores that differ only in data it cannot see (how many companies an account of another app
has; how many another account of an account key's own app has). Everything it is told
(statuses, bodies, Retry-After) must be the same in both, for every key that cannot see the
difference; the answers of a key that can see it differ (an internal key's, an app key's over
its own accounts), which proves the probes would find it.

App and account keys are estimated with the sizes of their own data (schema/scoped_sizes.py),
and their own lists here are over the floors (south-1 has 8 companies), so what they are told
does move with data: their own, never the hidden one."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from store.tables import METADATA
from tests.api_client import TODAY
from tests.factories import Seed

MAX_COST = 1_000
PAGES = range(1, 101)  # every page size a key may ask for (the largest page is 100)
# A page of n accounts with their companies: n x (the rows of an account, its edge and node,
# and its companies), where the companies of one account are estimated at
# max(5, the most companies of any account).
PROBE = "{ accounts(first: %d) { edges { node { accountId companies { companyId } } } } }"
RATE_PROBE_PAGE = 10
HIDDEN = (60, 90)  # companies of north-1, an account of another app than the attacker's
# Companies of the attacker's own south-1 (over the floor of 5: its sizes are measured), and of
# south-2, another account of its app (seen by the app key, hidden from south-1's key).
OWN_COMPANIES = 8
SIBLING = 2
# The refill of the bucket while a world is probed: the only difference Retry-After may show.
RATE = 0.001
# Enough for the internal key to find its refusal before it is rate limited.
BURST = 20_000


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


async def _world(
    engine: AsyncEngine, hidden_companies: int, sibling_companies: int = SIBLING
) -> dict[str, str]:
    """The store with north-1's and south-2's companies as given, and a fresh key of every
    role (the account key is south-1's)."""
    await _reset(engine)
    seed = Seed()
    seed.app("north")
    seed.app("south")
    seed.account("north-1", app="north")
    for n in range(hidden_companies):
        seed.company(f"north-1-co-{n}", account="north-1")
    for account, companies in (("south-1", OWN_COMPANIES), ("south-2", sibling_companies)):
        seed.account(account, app="south")
        for n in range(companies):
            seed.company(f"{account}-co-{n}", account=account)
    await seed.write(engine)
    return {
        "internal": (await create_key(engine, role=Role.INTERNAL))[1],
        "app": (await create_key(engine, role=Role.APP, app_id="south"))[1],
        "account": (await create_key(engine, role=Role.ACCOUNT, account_id="south-1"))[1],
        "public": (await create_key(engine, role=Role.PUBLIC))[1],
    }


@pytest.fixture
async def serve(engine: AsyncEngine) -> AsyncIterator[Callable[..., Any]]:
    async with AsyncExitStack() as stack:

        async def start(fast_posts: str) -> httpx.AsyncClient:
            settings = load_settings(
                {
                    "PROFILING_TODAY": TODAY,
                    "PROFILING_MAX_COST": str(MAX_COST),
                    "PROFILING_RATE_LIMIT_RATE": str(RATE),
                    "PROFILING_RATE_LIMIT_BURST": str(BURST),
                    "PROFILING_FAST_POSTS": fast_posts,
                }
            )
            app: Starlette = create_app(settings=settings, engine=engine)
            await stack.enter_async_context(app.router.lifespan_context(app))
            # The sizes as the store holds them now (the lifespan measured an empty store).
            await app.state.list_sizes.refresh()
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
            )

        yield start


def _told(response: httpx.Response) -> tuple[Any, ...]:
    """Everything a response tells but the seconds to wait, which the bucket's refill moves
    while the test runs (compared apart, within the refill)."""
    body = response.json()
    for error in body.get("errors") or ():
        error["message"] = error["message"].split("; retry in")[0]
        (error.get("extensions") or {}).pop("retryAfter", None)
    return response.status_code, body


def _waits(response: httpx.Response) -> list[int]:
    """The seconds to wait a response tells: its Retry-After header and its errors'
    retryAfter."""
    waits = [int(response.headers["retry-after"])] if "retry-after" in response.headers else []
    for error in response.json().get("errors") or ():
        if "retryAfter" in (error.get("extensions") or {}):
            waits.append(int(error["extensions"]["retryAfter"]))
    return waits


async def _view(http: httpx.AsyncClient, key: str) -> tuple[list[Any], list[float]]:
    """What one key can learn by the probes: each page size until one is refused or rate
    limited, then the same probe until rate limited. Each Retry-After is given as of the
    view's start (the wait plus the seconds since): a wait shrinks by a second a second, so
    two views that took different times (a slow machine) still compare."""
    headers = {"Authorization": f"Bearer {key}"}
    told: list[Any] = []
    retry_after: list[float] = []
    start = time.monotonic()

    async def probe(first: int) -> bool:
        response = await http.post("/graphql", json={"query": PROBE % first}, headers=headers)
        since = time.monotonic() - start
        retry_after.extend(wait + since for wait in _waits(response))
        told.append((first, *_told(response)))
        return response.status_code == 200 and "errors" not in response.json()

    for first in PAGES:
        if not await probe(first):
            break
    # A fresh bucket's worth of probes is not what the key has left now; its next refusals
    # are what it can count on, so keep probing until refused twice in a row.
    refused = 0
    for _ in range(200):
        refused = 0 if await probe(RATE_PROBE_PAGE) else refused + 1
        if refused == 2:
            break
    return told, retry_after


def _pages_refused(told: list[Any]) -> dict[int, bool]:
    return {
        first: any(e["extensions"]["code"] == "QUERY_TOO_COMPLEX" for e in body.get("errors", []))
        for first, _status, body in told
    }


def solve_hidden_size(told: list[Any]) -> set[int]:
    """Every largest number of companies of an account (0 to 1,000) that would give the
    refusals seen: the smallest refused page n means n x (3 + c) is over the limit, and
    n - 1 x (3 + c) is not."""
    refused = _pages_refused(told)
    return {
        companies
        for companies in range(1_001)
        if all(
            (first * (3 + max(5, companies)) > MAX_COST) == was_refused
            for first, was_refused in refused.items()
        )
    }


@pytest.mark.parametrize("fast_posts", ["true", "false"])
async def test_no_key_but_internal_learns_another_apps_list_sizes_from_costs(
    engine: AsyncEngine, serve: Callable[..., Any], fast_posts: str
) -> None:
    views: dict[str, list[tuple[list[Any], list[float]]]] = {}
    for hidden in HIDDEN:
        keys = await _world(engine, hidden)
        http = await serve(fast_posts)
        for role, key in keys.items():
            views.setdefault(role, []).append(await _view(http, key))
    for role in ("app", "account", "public"):
        (told, retry), (told_other, retry_other) = views[role]
        assert told == told_other, role
        # Retry-After as of each view's start: the same wait (its rounding to a second aside).
        assert len(retry) == len(retry_other), role
        for wait, wait_other in zip(retry, retry_other, strict=True):
            assert abs(wait - wait_other) <= 2, role
    # The probes are sensitive: the internal key's answers pin the hidden size.
    (told, _), (told_other, _) = views["internal"]
    assert told != told_other
    assert 60 in solve_hidden_size(told)
    assert 90 not in solve_hidden_size(told)
    assert 90 in solve_hidden_size(told_other)
    assert 60 not in solve_hidden_size(told_other)


@pytest.mark.parametrize("fast_posts", ["true", "false"])
async def test_no_account_key_learns_the_sizes_of_other_accounts_of_its_app(
    engine: AsyncEngine, serve: Callable[..., Any], fast_posts: str
) -> None:
    """The worlds differ in south-2's companies: south-1's key is told the same in both,
    though its app's largest account is south-2 in both (as is a public key); the app key,
    which sees south-2, is told the difference."""
    views: dict[str, list[tuple[list[Any], list[float]]]] = {}
    for sibling in HIDDEN:
        keys = await _world(engine, hidden_companies=2, sibling_companies=sibling)
        http = await serve(fast_posts)
        for role in ("app", "account", "public"):
            views.setdefault(role, []).append(await _view(http, keys[role]))
    for role in ("account", "public"):
        (told, retry), (told_other, retry_other) = views[role]
        assert told == told_other, role
        assert len(retry) == len(retry_other), role
        for wait, wait_other in zip(retry, retry_other, strict=True):
            assert abs(wait - wait_other) <= 2, role
    # The app key's probes pin south-2's companies: its own account's.
    (told, _), (told_other, _) = views["app"]
    assert told != told_other
    assert 60 in solve_hidden_size(told)
    assert 90 in solve_hidden_size(told_other)
