"""Account.ledgerCoverage: an account's first and last ledger dates reach only
keys that may see the account (its own account key, its app's key, internal keys); another
account's key, another app's key and a public key learn nothing, not even that the account has
a ledger, by any path to an account (the account field, the accounts page, node)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from store.tables import LEDGER_TABLE
from store.upsert import upsert
from tests.api_client import TODAY
from tests.factories import Seed

# north-a has a ledger, north-b none; south-a (another app) a ledger.
QUERY = """{
  one: account(accountId: "north-a") { accountId ledgerCoverage { firstEntry lastEntry } }
  other: account(accountId: "south-a") { accountId ledgerCoverage { firstEntry lastEntry } }
  accounts(first: 10) { edges { node { accountId ledgerCoverage { firstEntry lastEntry } } } }
}"""


def _entry(account: str, day: dt.date) -> dict[str, Any]:
    return {
        "account_id": account,
        "entry_date": day,
        "kind": "invoice",
        "reference": f"{account}-{day}",
        "line": 1,
        "amount": Decimal(100),
        "due_date": None,
    }


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    seed = Seed()
    seed.app("north")
    seed.app("south")
    for account, app_id in (("north-a", "north"), ("north-b", "north"), ("south-a", "south")):
        seed.account(account, app=app_id)
    await seed.write(engine)
    async with engine.begin() as connection:
        await upsert(
            connection,
            LEDGER_TABLE,
            [
                _entry("north-a", dt.date(2024, 1, 3)),
                _entry("north-a", dt.date(2024, 2, 9)),
                _entry("south-a", dt.date(2024, 3, 1)),
            ],
        )
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


NORTH_A = {"firstEntry": "2024-01-03", "lastEntry": "2024-02-09"}


async def _ask(
    engine: AsyncEngine, http: httpx.AsyncClient, role: Role, **scope: str
) -> dict[str, Any]:
    _, key = await create_key(engine, role=role, **scope)
    response = await http.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"}
    )
    body: dict[str, Any] = response.json()
    return body


def _coverages(data: dict[str, Any] | None) -> dict[str, Any]:
    """Every account the answer shows, with its coverage."""
    if not data:
        return {}
    found = {
        edge["node"]["accountId"]: edge["node"]["ledgerCoverage"]
        for edge in (data.get("accounts") or {}).get("edges", [])
    }
    for alias in ("one", "other"):
        if data.get(alias):
            found[data[alias]["accountId"]] = data[alias]["ledgerCoverage"]
    return found


async def test_the_accounts_own_and_app_keys_see_its_coverage(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    own = await _ask(engine, http, Role.ACCOUNT, account_id="north-a")
    assert _coverages(own["data"]) == {"north-a": NORTH_A}
    app = await _ask(engine, http, Role.APP, app_id="north")
    assert _coverages(app["data"]) == {"north-a": NORTH_A, "north-b": None}


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.ACCOUNT, {"account_id": "north-b"}),  # another account of the same app
        (Role.APP, {"app_id": "south"}),  # another app
        (Role.PUBLIC, {}),
    ],
)
async def test_no_other_key_learns_anything_of_the_coverage(
    engine: AsyncEngine, http: httpx.AsyncClient, role: Role, scope: dict[str, str]
) -> None:
    body = await _ask(engine, http, role, **scope)
    coverages = _coverages(body.get("data"))
    assert "north-a" not in coverages, body
    # What the key does see is its own: nothing of north-a's dates anywhere in the answer.
    assert "2024-01-03" not in str(body)
    assert "2024-02-09" not in str(body)
