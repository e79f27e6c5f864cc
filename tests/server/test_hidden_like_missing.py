"""What a key may not see costs the server exactly what a missing id costs: the same statements,
the same rows read. So the time to answer cannot tell a hidden entity with many rows from an
id that does not exist (an account key once told them apart 98 times in 100 by the wait)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed

MONTHS = [f"2022-{month:02d}-01" for month in range(1, 13)]
QUERIES = {
    "account": '{{ account(accountId: "{id}") {{ name metrics {{ value }} }} }}',
    "account, last month": (
        '{{ account(accountId: "{id}") {{ metrics(lastFullMonth: true) {{ value }} }} }}'
    ),
    "company": '{{ company(companyId: "{id}") {{ name metrics {{ value }} }} }}',
    "contract": '{{ contract(contractId: "{id}") {{ metrics {{ effectiveDate }} }} }}',
    "companies": (
        '{{ companies(companyIds: ["{id}"]) {{ totalCount edges {{ node {{ name '
        "metrics {{ value }} }} }} }} }}"
    ),
    "contracts": (
        '{{ contracts(contractIds: ["{id}"]) {{ totalCount edges {{ node {{ '
        "metrics {{ effectiveDate }} }} }} }} }}"
    ),
}
HIDDEN = {
    "account": "big",
    "account, last month": "big",
    "company": "big-co",
    "contract": "big-ct",
    "companies": "big-co",
    "contracts": "big-ct",
}


@pytest.fixture
async def world(engine: AsyncEngine) -> dict[str, str]:
    """A big account of the app "south" with years of rows, and keys that may not see it."""
    seed = Seed()
    seed.industry("retail")
    for name in ("m1", "m2", "m3", "m4", "m5"):
        seed.definition(name, "count")
    seed.account("big", app="south", industry="retail")
    seed.company("big-co", account="big")
    seed.contract("big-ct", company="big-co")
    seed.account("mine", app="north", industry="retail")
    for level, entity in (("account", "big"), ("company", "big-co"), ("contract", "big-ct")):
        for month in MONTHS:
            for name in ("m1", "m2", "m3", "m4", "m5"):
                seed.metric(level, entity, name, month, "12.5")
    await seed.write(engine)
    keys = {}
    for label, role, app, account in (
        ("app", Role.APP, "north", None),
        ("account", Role.ACCOUNT, None, "mine"),
        ("public", Role.PUBLIC, None, None),
    ):
        _, keys[label] = await create_key(engine, role=role, app_id=app, account_id=account)
    return keys


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _work(
    engine: AsyncEngine, http: httpx.AsyncClient, key: str, query: str, entity: str
) -> tuple[list[tuple[str, int]], dict[str, Any]]:
    """The statements the answer cost (text, with the id replaced) and the answer."""
    seen: list[tuple[str, int]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        shown = str(parameters).replace(entity, "ID").replace("nothing-here", "ID")
        seen.append((statement, len(shown)))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        response = await http.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
        )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
    body: dict[str, Any] = response.json()
    # Key checks and definitions are the same for both: keep the entity reads.
    return [s for s in seen if "api_key" not in s[0]], body


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=st.sampled_from(sorted(QUERIES)), who=st.sampled_from(["app", "account", "public"]))
async def test_a_hidden_entity_costs_what_a_missing_one_costs(
    engine: AsyncEngine,
    http: httpx.AsyncClient,
    world: dict[str, str],
    shape: str,
    who: str,
) -> None:
    hidden_id = HIDDEN[shape]
    # Twice each, interleaved: the first request of a process may warm caches.
    for _ in range(2):
        hidden, hidden_body = await _work(
            engine, http, world[who], QUERIES[shape].format(id=hidden_id), hidden_id
        )
        missing, missing_body = await _work(
            engine, http, world[who], QUERIES[shape].format(id="nothing-here"), "nothing-here"
        )
    assert hidden == missing
    assert hidden_body["data"] == missing_body["data"]
    codes = {error["extensions"]["code"] for error in hidden_body.get("errors", [])}
    assert codes == {error["extensions"]["code"] for error in missing_body.get("errors", [])}
