"""companies(companyIds:) and contracts(contractIds:): connections with the rules of accounts
(scope, opaque cursors, pages of 1 to 100, at most 100 ids answered in the order asked), whose
entities' metrics come in one batch whatever their number."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.pagination import encode_cursor
from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY, GraphQLClient, StatementCounter
from tests.factories import Seed

# (root field, ids argument, id field, prefix of the ids)
KINDS = {
    "companies": ("companyIds", "companyId", "co"),
    "contracts": ("contractIds", "contractId", "ct"),
}
ACCOUNTS = 4
PER_ACCOUNT = 3


def _page_query(field: str) -> str:
    ids, id_field, _ = KINDS[field]
    return f"""query ($ids: [String!], $first: Int, $after: String) {{
      {field}({ids}: $ids, first: $first, after: $after) {{
        totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor node {{ {id_field} }} }} }} }}"""


def _ids(data: dict[str, Any], field: str) -> list[str]:
    id_field = KINDS[field][1]
    return [edge["node"][id_field] for edge in data[field]["edges"]]


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    """Accounts acc-0 and acc-1 of the app north, acc-2 and acc-3 of the south, each with
    companies co-A-C and their contracts ct-A-C, and a metric row for each."""
    seed = Seed()
    seed.definition("revenue", "euros")
    for a in range(ACCOUNTS):
        seed.account(f"acc-{a}", app="north" if a < 2 else "south")
        for c in range(PER_ACCOUNT):
            seed.company(f"co-{a}-{c}", account=f"acc-{a}")
            seed.contract(f"ct-{a}-{c}", company=f"co-{a}-{c}")
            seed.metric("company", f"co-{a}-{c}", "revenue", "2023-04-01", f"{a}{c}.5")
            seed.metric("contract", f"ct-{a}-{c}", "revenue", "2023-04-01", f"1{a}{c}")
    await seed.write(engine)


@pytest.mark.parametrize("field", list(KINDS))
async def test_ids_come_in_the_order_asked_page_by_page(
    client: GraphQLClient, seeded: None, field: str
) -> None:
    prefix = KINDS[field][2]
    asked = [f"{prefix}-2-1", f"{prefix}-0-0", "missing", f"{prefix}-3-2", f"{prefix}-0-0"]
    asked += [f"{prefix}-1-1"]
    pages: list[list[str]] = []
    after = None
    while True:
        data = await client.data(_page_query(field), {"ids": asked, "first": 2, "after": after})
        pages.append(_ids(data, field))
        connection = data[field]
        assert connection["totalCount"] == 4
        assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert pages == [[f"{prefix}-2-1", f"{prefix}-0-0"], [f"{prefix}-3-2", f"{prefix}-1-1"]]


@pytest.mark.parametrize("field", list(KINDS))
async def test_without_ids_every_entity_comes_by_id_page_by_page(
    client: GraphQLClient, seeded: None, field: str
) -> None:
    prefix = KINDS[field][2]
    seen: list[str] = []
    after = None
    while True:
        data = await client.data(_page_query(field), {"first": 5, "after": after})
        assert data[field]["totalCount"] == ACCOUNTS * PER_ACCOUNT
        seen.extend(_ids(data, field))
        if not data[field]["pageInfo"]["hasNextPage"]:
            break
        after = data[field]["pageInfo"]["endCursor"]
    expected = [f"{prefix}-{a}-{c}" for a in range(ACCOUNTS) for c in range(PER_ACCOUNT)]
    assert seen == expected
    # The default page holds them all; an empty list of ids holds none.
    assert _ids(await client.data(_page_query(field)), field) == expected
    empty = await client.data(_page_query(field), {"ids": []})
    assert empty[field] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


@pytest.mark.parametrize("field", list(KINDS))
@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"ids": [f"x{n}" for n in range(101)]}, "at most 100 ids, got 101"),
        ({"first": 0}, "between 1 and 100"),
        ({"first": 101}, "between 1 and 100"),
        ({"after": "garbage"}, "Invalid cursor"),
        # A cursor of another list is not a cursor of this one.
        ({"after": encode_cursor("co-0-0", "account")}, "Invalid cursor"),
    ],
)
async def test_bad_arguments_are_bad_input(
    client: GraphQLClient,
    seeded: None,
    field: str,
    variables: dict[str, Any],
    message: str,
) -> None:
    body = await client.post(_page_query(field), variables)
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == [field]
    assert message in error["message"]


async def test_a_cursor_of_companies_is_not_one_of_contracts(
    client: GraphQLClient, seeded: None
) -> None:
    data = await client.data(_page_query("companies"), {"first": 1})
    cursor = data["companies"]["pageInfo"]["endCursor"]
    body = await client.post(_page_query("contracts"), {"after": cursor})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    accounts = await client.post(
        "query ($after: String) { accounts(after: $after) { totalCount } }", {"after": cursor}
    )
    assert accounts["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_metrics_of_many_entities_of_every_level_in_one_query(
    client: GraphQLClient, seeded: None
) -> None:
    data = await client.data(
        """{ companies(companyIds: ["co-3-0", "co-0-2"]) { edges { node { companyId
               account { accountId } metrics { metricName value unit currency formattedValue } } } }
             contracts(contractIds: ["ct-1-1"]) { edges { node { contractId
               company { companyId } metrics { value formattedValue(locale: "fr") } } } } }"""
    )
    companies = [edge["node"] for edge in data["companies"]["edges"]]
    assert companies == [
        {
            "companyId": "co-3-0",
            "account": {"accountId": "acc-3"},
            "metrics": [
                {
                    "metricName": "revenue",
                    "value": "30.5",
                    "unit": "euros",
                    "currency": "EUR",
                    "formattedValue": "€30.50",
                }
            ],
        },
        {
            "companyId": "co-0-2",
            "account": {"accountId": "acc-0"},
            "metrics": [
                {
                    "metricName": "revenue",
                    "value": "2.5",
                    "unit": "euros",
                    "currency": "EUR",
                    "formattedValue": "€2.50",
                }
            ],
        },
    ]
    (contract,) = [edge["node"] for edge in data["contracts"]["edges"]]
    assert contract == {
        "contractId": "ct-1-1",
        "company": {"companyId": "co-1-1"},
        "metrics": [{"value": "111", "formattedValue": "111\u00a0€"}],
    }


@pytest.fixture
async def many(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.definition("tickets", "count")
    for a in range(10):
        seed.account(f"acc-{a}")
        for c in range(5):
            company = f"co-{a}-{c}"
            seed.company(company, account=f"acc-{a}")
            seed.contract(f"ct-{a}-{c}", company=company)
            for month in ("2023-03-01", "2023-04-01"):
                seed.metric("company", company, "revenue", month, f"{a}.{c}")
                seed.metric("company", company, "tickets", month, str(a + c))
                seed.metric("contract", f"ct-{a}-{c}", "tickets", month, str(c))
    await seed.write(engine)


@pytest.mark.parametrize("field", list(KINDS))
async def test_statements_do_not_grow_with_the_ids_asked(
    client: GraphQLClient, many: None, sql_statements: StatementCounter, field: str
) -> None:
    ids_argument, _, prefix = KINDS[field]
    query = f"""query ($ids: [String!]) {{ {field}({ids_argument}: $ids) {{
        edges {{ node {{ metrics {{ value }} }} }} }} }}"""
    every = [f"{prefix}-{a}-{c}" for a in range(10) for c in range(5)]
    await client.data(query, {"ids": every[:2]})  # the app learns the metric names
    counts = {}
    for size in (2, 40):
        sql_statements.reset()
        data = await client.data(query, {"ids": every[:size]})
        edges = data[field]["edges"]
        assert len(edges) == size
        rows = 4 if field == "companies" else 2  # metrics x months of each
        assert all(len(edge["node"]["metrics"]) == rows for edge in edges)
        counts[size] = sql_statements.count
    assert counts[2] == counts[40], sql_statements.statements
    # The entities in one statement, their rows in one more.
    assert counts[40] <= 3, sql_statements.statements


# ---- scope: a key sees only its own; what it may not see behaves as missing ----

KEYS = {
    "north": (Role.APP, "north", None),
    "south": (Role.APP, "south", None),
    "account": (Role.ACCOUNT, None, "acc-1"),
    "public": (Role.PUBLIC, None, None),
}
# Which accounts' entities each key sees.
SEES = {"north": {0, 1}, "south": {2, 3}, "account": {1}, "public": set()}


@pytest.fixture
async def keys(engine: AsyncEngine, seeded: None) -> dict[str, str]:
    made = {}
    for label, (role, app, account) in KEYS.items():
        _, made[label] = await create_key(engine, role=role, app_id=app, account_id=account)
    return made


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _ask(
    engine: AsyncEngine,
    http: httpx.AsyncClient,
    key: str,
    query: str,
    variables: dict[str, Any],
) -> tuple[dict[str, Any], list[str]]:
    """The answer, and the statements that read entities or rows (not the key's check)."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {key}"},
        )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body, [statement for statement in seen if "api_key" not in statement]


@pytest.mark.parametrize("field", list(KINDS))
@pytest.mark.parametrize("key", list(KEYS))
async def test_a_key_sees_only_its_own(
    engine: AsyncEngine, http: httpx.AsyncClient, keys: dict[str, str], key: str, field: str
) -> None:
    prefix = KINDS[field][2]
    query = _page_query(field)
    listed, _ = await _ask(engine, http, keys[key], query, {"first": 100})
    assert "errors" not in listed, listed
    expected = [f"{prefix}-{a}-{c}" for a in sorted(SEES[key]) for c in range(PER_ACCOUNT)]
    assert _ids(listed["data"], field) == expected
    assert listed["data"][field]["totalCount"] == len(expected)

    asked = [f"{prefix}-{a}-0" for a in (3, 1, 0, 2)]
    by_ids, _ = await _ask(engine, http, keys[key], query, {"ids": asked})
    assert _ids(by_ids["data"], field) == [
        entity for entity in asked if int(entity.split("-")[1]) in SEES[key]
    ]


@pytest.mark.parametrize("field", list(KINDS))
@pytest.mark.parametrize("key", ["north", "account"])
async def test_hidden_ids_behave_as_missing_ones(
    engine: AsyncEngine, http: httpx.AsyncClient, keys: dict[str, str], key: str, field: str
) -> None:
    """The same answer and the same statements for an id of another app as for one that does
    not exist, beside an id the key sees."""
    prefix = KINDS[field][2]
    query = f"""query ($ids: [String!]) {{ {field}({KINDS[field][0]}: $ids) {{
        totalCount edges {{ node {{ name metrics {{ value }} }} }} }} }}"""
    mine = f"{prefix}-1-0"
    for _ in range(2):  # the first request of a process may warm caches
        hidden, hidden_reads = await _ask(
            engine, http, keys[key], query, {"ids": [f"{prefix}-3-1", mine]}
        )
        missing, missing_reads = await _ask(
            engine, http, keys[key], query, {"ids": [f"{prefix}-9-9", mine]}
        )
    assert hidden == missing
    assert hidden["data"][field]["totalCount"] == 1
    assert hidden_reads == missing_reads
