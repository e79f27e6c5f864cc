"""The accounts connections: filters, cursors, limits."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api_client import GraphQLClient
from tests.factories import Seed

PAGE = """
query ($first: Int, $after: String, $ids: [String!], $app: String, $industry: String,
       $key: Boolean) {
  accounts(first: $first, after: $after, accountIds: $ids, app: $app, industry: $industry,
           isKeyAccount: $key) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { accountId } }
  }
}
"""


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.industry("retail")
    seed.industry("energy")
    for n in range(12):
        seed.account(
            f"a{n:02d}",
            app="north" if n < 8 else "south",
            industry="retail" if n % 2 else "energy",
            key=n % 3 == 0,
        )
    await seed.write(engine)


def _ids(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["accountId"] for edge in data["accounts"]["edges"]]


async def test_walking_the_pages_returns_every_account_once(
    client: GraphQLClient, seeded: None
) -> None:
    seen: list[str] = []
    after = None
    while True:
        data = await client.data(PAGE, {"first": 5, "after": after})
        seen.extend(_ids(data))
        assert data["accounts"]["totalCount"] == 12
        info = data["accounts"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == [f"a{n:02d}" for n in range(12)]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"app": "south"}, ["a08", "a09", "a10", "a11"]),
        ({"industry": "retail", "app": "north"}, ["a01", "a03", "a05", "a07"]),
        ({"key": True}, ["a00", "a03", "a06", "a09"]),
        ({"ids": ["a05", "a01", "zz"]}, ["a05", "a01"]),  # in the order asked
        ({"app": "nowhere"}, []),
    ],
)
async def test_filters(
    client: GraphQLClient, seeded: None, variables: dict[str, Any], expected: list[str]
) -> None:
    data = await client.data(PAGE, variables)
    assert _ids(data) == expected
    assert data["accounts"]["totalCount"] == len(expected)
    assert data["accounts"]["pageInfo"]["endCursor"] == (
        data["accounts"]["edges"][-1]["cursor"] if expected else None
    )


async def test_accounts_by_id_come_in_the_order_asked_page_by_page(
    client: GraphQLClient, seeded: None
) -> None:
    asked = ["a07", "a02", "zz", "a11", "a02", "a00", "a09"]
    pages: list[list[str]] = []
    after = None
    while True:
        data = await client.data(PAGE, {"ids": asked, "first": 2, "after": after})
        pages.append(_ids(data))
        assert data["accounts"]["totalCount"] == 5
        info = data["accounts"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert pages == [["a07", "a02"], ["a11", "a00"], ["a09"]]


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_first_outside_1_to_100_is_bad_input(
    client: GraphQLClient, seeded: None, first: int
) -> None:
    body = await client.post(PAGE, {"first": first})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "between 1 and 100" in body["errors"][0]["message"]


async def test_more_than_100_ids_is_bad_input(client: GraphQLClient, seeded: None) -> None:
    body = await client.post(PAGE, {"ids": [f"x{n}" for n in range(101)]})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "at most 100" in body["errors"][0]["message"]


async def test_garbage_cursor_is_bad_input(client: GraphQLClient, seeded: None) -> None:
    body = await client.post(PAGE, {"after": "garbage"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_industry_accounts_page(client: GraphQLClient, seeded: None) -> None:
    query = """query ($after: String) { industry(industryId: "retail") {
        accounts(first: 4, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { accountId } } } } }"""
    first = await client.data(query)
    page = first["industry"]["accounts"]
    assert [e["node"]["accountId"] for e in page["edges"]] == ["a01", "a03", "a05", "a07"]
    assert page["totalCount"] == 6
    assert page["pageInfo"]["hasNextPage"] is True
    second = await client.data(query, {"after": page["pageInfo"]["endCursor"]})
    rest = second["industry"]["accounts"]
    assert [e["node"]["accountId"] for e in rest["edges"]] == ["a09", "a11"]
    assert rest["pageInfo"]["hasNextPage"] is False


SEARCH = """query ($search: String, $app: String, $ids: [String!], $first: Int, $after: String) {
  accounts(search: $search, app: $app, accountIds: $ids, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { accountId name } } } }"""


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"search": "A1"}, ["a10", "a11"]),  # in the id and the name, whatever the case
        ({"search": "ACCOUNT A0", "app": "south"}, ["a08", "a09"]),  # with the other filters
        ({"search": "count a0", "ids": ["a07", "a10", "a02"]}, ["a07", "a02"]),
        ({"search": ""}, [f"a{n:02d}" for n in range(12)]),
        ({"search": "%"}, []),  # LIKE's wildcards match themselves
        ({"search": "_"}, []),
        ({"search": "a_1"}, []),
        ({"search": "/"}, []),
    ],
)
async def test_search_matches_a_name_or_id_case_insensitively(
    client: GraphQLClient, seeded: None, variables: dict[str, Any], expected: list[str]
) -> None:
    data = await client.data(SEARCH, variables)
    assert _ids(data) == expected
    assert data["accounts"]["totalCount"] == len(expected)


async def test_search_pages_like_any_filter(client: GraphQLClient, seeded: None) -> None:
    first = await client.data(SEARCH, {"search": "a0", "first": 6})
    assert _ids(first) == ["a00", "a01", "a02", "a03", "a04", "a05"]
    assert first["accounts"]["totalCount"] == 10
    after = first["accounts"]["pageInfo"]["endCursor"]
    rest = await client.data(SEARCH, {"search": "a0", "first": 6, "after": after})
    assert _ids(rest) == ["a06", "a07", "a08", "a09"]
    assert rest["accounts"]["pageInfo"]["hasNextPage"] is False


@pytest.fixture
async def seeded_in_many_scripts(engine: AsyncEngine) -> None:
    seed = Seed()
    for account_id in ("Müller GmbH", "ÖKOBAU ÄRZTE", "Café Élysée", "STRAẞE Bau", "Strasse"):
        seed.account(account_id)
    await seed.write(engine)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("MÜLLER", ["Müller GmbH"]),
        ("müller", ["Müller GmbH"]),
        ("ökobau ärzte", ["ÖKOBAU ÄRZTE"]),
        ("CAFÉ", ["Café Élysée"]),
        ("élysée", ["Café Élysée"]),
        ("straße", ["STRAẞE Bau"]),  # the capital sharp s lowers to ß, as on PostgreSQL
        ("ss", ["Strasse"]),  # lowering is not folding: ß is not ss on either store
        ("ACCOUNT MÜ", ["Müller GmbH"]),  # in the name ("Account <id>") as in the id
    ],
)
async def test_search_folds_every_letter_on_both_stores(
    client: GraphQLClient, seeded_in_many_scripts: None, search: str, expected: list[str]
) -> None:
    data = await client.data(SEARCH, {"search": search})
    assert _ids(data) == expected
    assert data["accounts"]["totalCount"] == len(expected)
