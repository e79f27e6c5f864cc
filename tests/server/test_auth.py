"""Keys and roles: whatever a key may not see behaves exactly like something that does not
exist, for every node type, every root field and node(id:)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.private_percentile import private_percentile
from resolvers.global_ids import encode_global_id
from server.app import create_app
from settings import load_settings
from store.jobs.publish import publish_month
from store.keys import create_key, revoke_key
from store.scope import Role
from tests.api_client import TODAY
from tests.cli.in_process import profiling_in_process
from tests.factories import Seed

ENTITIES = {
    "north": ("acc-n1", "co-n1", "ct-n1"),
    "north2": ("acc-n2", "co-n2", "ct-n2"),
    "south": ("acc-s1", "co-s1", "ct-s1"),
}


@pytest.fixture
async def keyed(engine: AsyncEngine) -> dict[str, str]:
    seed = Seed()
    seed.definition("reply_rate", "percent", bounds=("0", "100"))
    seed.industry("retail")
    for name, (account, company, contract) in ENTITIES.items():
        seed.account(
            account, app="north" if name.startswith("north") else "south", industry="retail"
        )
        seed.company(company, account=account)
        seed.contract(contract, company=company)
        seed.metric("account", account, "reply_rate", "2023-04-01", "40")
        seed.metric("company", company, "reply_rate", "2023-04-01", "41")
        seed.metric("contract", contract, "reply_rate", "2023-04-01", "42")
    for n in range(3):  # a publishable retail cohort: 3 more accounts of the south
        seed.account(f"acc-x{n}", app="south", industry="retail")
        seed.metric("account", f"acc-x{n}", "reply_rate", "2023-04-01", str(50 + n))
    await seed.write(engine)
    await publish_month(
        engine, month=dt.date(2023, 4, 1), today=dt.date.fromisoformat(TODAY), min_cohort=5
    )
    keys = {}
    options: tuple[tuple[str, Role, str | None, str | None], ...] = (
        ("internal", Role.INTERNAL, None, None),
        ("north", Role.APP, "north", None),
        ("south", Role.APP, "south", None),
        ("account", Role.ACCOUNT, None, "acc-n1"),
        ("public", Role.PUBLIC, None, None),
    )
    for label, role, app_id, account_id in options:
        _, keys[label] = await create_key(engine, role=role, app_id=app_id, account_id=account_id)
    return keys


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _ask(
    http: httpx.AsyncClient, key: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nope", "Basic dXNlcjpwYXNz", "Bearer prof_123_456", "prof_x_y"],
)
async def test_missing_or_unknown_key_is_401(
    http: httpx.AsyncClient, keyed: dict[str, str], header: str | None
) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = await http.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_revoked_key_is_401(
    http: httpx.AsyncClient, keyed: dict[str, str], engine: AsyncEngine
) -> None:
    key = keyed["north"]
    assert (await _ask(http, key, "{ __typename }"))["data"] == {"__typename": "Query"}
    await revoke_key(engine, key_id=key.split("_")[1])
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 401


async def test_a_key_revoked_by_the_command_is_401_on_the_very_next_request(
    http: httpx.AsyncClient, keyed: dict[str, str], database_url: str
) -> None:
    """`profiling keys revoke` in another thread, over its own connection: the server refuses
    the key from its next request on, whatever it answered before (nothing is kept)."""
    key = keyed["north"]
    for _ in range(3):
        assert (await _ask(http, key, "{ __typename }"))["data"] == {"__typename": "Query"}
    revoked = await asyncio.to_thread(
        profiling_in_process,
        "keys",
        "revoke",
        key.split("_")[1],
        env={"DATABASE_URL": database_url},
    )
    assert revoked.returncode == 0, revoked.stderr
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 401
    assert (await _ask(http, keyed["south"], "{ __typename }"))["data"] == {"__typename": "Query"}


async def test_a_tampered_secret_is_401(http: httpx.AsyncClient, keyed: dict[str, str]) -> None:
    key = keyed["internal"]
    forged = key[:-1] + ("A" if key[-1] != "A" else "B")
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status_code == 401


# Which (key, app of the entities) pairs may see the entities.
VISIBLE = {
    ("internal", "north"),
    ("internal", "north2"),
    ("internal", "south"),
    ("north", "north"),
    ("north", "north2"),
    ("south", "south"),
    ("account", "north"),
}


@pytest.mark.parametrize("key", ["internal", "north", "south", "account", "public"])
@pytest.mark.parametrize("owner", list(ENTITIES))
async def test_lookups_of_what_a_key_may_not_see_look_like_nothing_exists(
    http: httpx.AsyncClient, keyed: dict[str, str], key: str, owner: str
) -> None:
    account, company, contract = ENTITIES[owner]
    visible = (key, owner) in VISIBLE
    lookups = [
        ("account", "accountId", account, "Account", "account"),
        ("company", "companyId", company, "Company", "company"),
        ("contract", "contractId", contract, "Contract", "contract"),
    ]
    for field, argument, entity_id, type_name, noun in lookups:
        body = await _ask(
            http, keyed[key], f'{{ {field}({argument}: "{entity_id}") {{ metrics {{ value }} }} }}'
        )
        if visible:
            assert body["data"][field]["metrics"], body
            assert "errors" not in body
        else:
            assert body == {
                "data": {field: None},
                "errors": [
                    {
                        "message": f"No {noun} with id '{entity_id}'",
                        "locations": [{"line": 1, "column": 3}],
                        "path": [field],
                        "extensions": {"code": "NOT_FOUND"},
                    }
                ],
            }
        global_id = encode_global_id(type_name, entity_id)
        node = await _ask(
            http, keyed[key], "query ($id: ID!) { node(id: $id) { id } }", {"id": global_id}
        )
        if visible:
            assert node["data"] == {"node": {"id": global_id}}, node
        else:
            assert node["data"] == {"node": None}, node
            assert node["errors"][0]["message"] == f"No node with id '{global_id}'"
            assert node["errors"][0]["extensions"] == {"code": "NOT_FOUND"}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("internal", {"acc-n1", "acc-n2", "acc-s1", "acc-x0", "acc-x1", "acc-x2"}),
        ("north", {"acc-n1", "acc-n2"}),
        ("south", {"acc-s1", "acc-x0", "acc-x1", "acc-x2"}),
        ("account", {"acc-n1"}),
        ("public", set()),
    ],
)
async def test_lists_hold_only_what_a_key_may_see(
    http: httpx.AsyncClient, keyed: dict[str, str], key: str, expected: set[str]
) -> None:
    body = await _ask(
        http,
        keyed[key],
        """{ accounts(first: 100) { totalCount edges { node { accountId
               companies { companyId account { accountId } }
               contracts { contractId company { companyId } account { accountId } } } } }
           byIds: accounts(accountIds: ["acc-n1", "acc-n2", "acc-s1"]) { totalCount }
           north: accounts(app: "north") { totalCount }
           industries { industryId accounts { totalCount edges { node { accountId } } } } }""",
    )
    assert "errors" not in body, body
    data = body["data"]
    listed = {e["node"]["accountId"] for e in data["accounts"]["edges"]}
    assert listed == expected
    assert data["accounts"]["totalCount"] == len(expected)
    assert data["byIds"]["totalCount"] == len(expected & {"acc-n1", "acc-n2", "acc-s1"})
    assert data["north"]["totalCount"] == len(expected & {"acc-n1", "acc-n2"})
    (retail,) = data["industries"]
    assert {e["node"]["accountId"] for e in retail["accounts"]["edges"]} == expected
    assert retail["accounts"]["totalCount"] == len(expected)
    for edge in data["accounts"]["edges"]:
        node = edge["node"]
        assert all(c["account"]["accountId"] == node["accountId"] for c in node["companies"])
        assert all(c["account"]["accountId"] == node["accountId"] for c in node["contracts"])


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("internal", "EXACT"),
        ("account", "DIFFERENTIALLY_PRIVATE"),  # 5 others beside its own account
        ("public", "DIFFERENTIALLY_PRIVATE"),
        ("north", None),  # its 2 of the 6 members leave 4 others: refused
        ("south", None),  # its 4 of the 6 leave 2 others: refused
    ],
)
async def test_benchmarks_and_the_pulse_report_are_for_every_key(
    http: httpx.AsyncClient, keyed: dict[str, str], key: str, kind: str | None
) -> None:
    body = await _ask(
        http,
        keyed[key],
        """{ sectorBenchmarks(metric: "reply_rate") { sector cohortSize figureKind p50 }
             pulseReport { sectorsCovered figureKind benchmarks { sector } }
             metricDefinitions { name } }""",
    )
    (benchmark,) = body["data"]["sectorBenchmarks"]
    assert benchmark["figureKind"] == kind
    if kind is None:
        assert benchmark == {
            "sector": "retail",
            "cohortSize": None,
            "figureKind": None,
            "p50": None,
        }
        assert body["data"]["pulseReport"]["sectorsCovered"] == 0
        assert {e["extensions"]["code"] for e in body["errors"]} == {"COHORT_TOO_SMALL"}
        return
    assert "errors" not in body, body
    assert benchmark["cohortSize"] == 6
    if kind == "EXACT":
        assert benchmark["p50"] == 45.0
    else:  # drawn once at publication, within the metric's bounds
        assert 0 <= benchmark["p50"] <= 100
    assert body["data"]["pulseReport"]["sectorsCovered"] == 1
    assert body["data"]["pulseReport"]["figureKind"] == ("EXACT" if key == "internal" else kind)


async def test_an_account_key_sees_its_own_comparison(
    http: httpx.AsyncClient, keyed: dict[str, str]
) -> None:
    body = await _ask(
        http,
        keyed["account"],
        '{ account(accountId: "acc-n1") { comparison(metric: "reply_rate") '
        "{ customerValue customerPercentile figureKind } } "
        'sectorBenchmarks(metric: "reply_rate") { p25 p50 p75 p90 } }',
    )
    # Its own value; its percentile read off the private figures it is given, with the
    # metric's bounds (0 to 100), never off the other members' values.
    (figures,) = body["data"]["sectorBenchmarks"]
    assert body["data"]["account"]["comparison"] == {
        "customerValue": 40.0,
        "customerPercentile": private_percentile(
            40.0,
            quantiles=(figures["p25"], figures["p50"], figures["p75"], figures["p90"]),
            lower=0.0,
            upper=100.0,
            higher_is_better=True,
        ),
        "figureKind": "DIFFERENTIALLY_PRIVATE",
    }
