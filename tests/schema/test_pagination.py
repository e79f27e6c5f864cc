"""The accounts connections: filters, cursors, limits."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.pagination import encode_cursor
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


# Relay's PageInfo for forward paging (first/after): hasPreviousPage is true exactly when
# `after` was given and the list has an entry at or before it; startCursor and endCursor are
# the cursors of the page's first and last edges.
RELAY_PAGE = """
query ($first: Int, $after: String, $ids: [String!], $app: String, $key: Boolean) {
  accounts(first: $first, after: $after, accountIds: $ids, app: $app, isKeyAccount: $key) {
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
    edges { cursor node { accountId } }
  }
}
"""
ALL_IDS = [f"a{n:02d}" for n in range(12)]
FILTERED = {
    None: ALL_IDS,
    "north": ALL_IDS[:8],
    "south": ALL_IDS[8:],
}


def _relay_page_info(listed: list[str], first: int, after: str | None) -> dict[str, Any]:
    """What Relay's algorithm gives for a list (in its order) and a forward page of it."""
    if after is None:
        start = 0
    elif after in listed:
        start = listed.index(after) + 1
    else:  # keyset lists only: the page starts at the first id after the cursor's
        start = len([entry for entry in listed if entry <= after])
    page = listed[start : start + first]
    return {
        "hasPreviousPage": after is not None and start > 0,
        "hasNextPage": start + first < len(listed),
        "startCursor": encode_cursor(page[0]) if page else None,
        "endCursor": encode_cursor(page[-1]) if page else None,
    }


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    app=st.sampled_from([None, "north", "south"]),
    first=st.integers(1, 13),
    # Ids of the list, ids between, before and after all of them, and no cursor at all.
    after=st.one_of(
        st.none(), st.sampled_from([*ALL_IDS, "a", "a005", "a07x", "a99", "b", "0", "a11"])
    ),
)
async def test_page_info_follows_relay_for_any_page_of_a_filtered_list(
    client: GraphQLClient,
    seeded: None,
    app: str | None,
    first: int,
    after: str | None,
) -> None:
    cursor = None if after is None else encode_cursor(after)
    data = await client.data(RELAY_PAGE, {"app": app, "first": first, "after": cursor})
    page = data["accounts"]
    expected = _relay_page_info(FILTERED[app], first, after)
    assert page["pageInfo"] == expected
    cursors = [edge["cursor"] for edge in page["edges"]]
    assert page["pageInfo"]["startCursor"] == (cursors[0] if cursors else None)


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    asked=st.lists(st.sampled_from([*ALL_IDS, "zz"]), max_size=6),
    first=st.integers(1, 4),
    after=st.one_of(st.none(), st.sampled_from([*ALL_IDS, "zz"])),
)
async def test_page_info_of_accounts_asked_by_id_follows_relay_in_the_order_asked(
    client: GraphQLClient,
    seeded: None,
    asked: list[str],
    first: int,
    after: str | None,
) -> None:
    cursor = None if after is None else encode_cursor(after)
    data = await client.data(RELAY_PAGE, {"ids": asked, "first": first, "after": cursor})
    listed = [key for key in dict.fromkeys(asked) if key != "zz"]
    if after is not None and after not in listed:
        # A cursor that is not in the list asked for: the page is the empty tail of it.
        expected = {
            "hasPreviousPage": bool(listed),
            "hasNextPage": False,
            "startCursor": None,
            "endCursor": None,
        }
    else:
        expected = _relay_page_info(listed, first, after)
    assert data["accounts"]["pageInfo"] == expected


async def test_page_info_of_every_connection_walks_back_and_forth(
    client: GraphQLClient, seeded_with_companies: None
) -> None:
    query = """query ($companies: String, $contracts: String, $accounts: String) {
      companies(first: 2, after: $companies) { pageInfo { ...info } edges { cursor } }
      contracts(first: 2, after: $contracts) { pageInfo { ...info } edges { cursor } }
      industry(industryId: "retail") {
        accounts(first: 2, after: $accounts) { pageInfo { ...info } edges { cursor } } }
    }
    fragment info on PageInfo { hasPreviousPage hasNextPage startCursor endCursor }"""

    def connections(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "companies": data["companies"],
            "contracts": data["contracts"],
            "accounts": data["industry"]["accounts"],
        }

    first = connections(await client.data(query))
    after = {name: page["pageInfo"]["endCursor"] for name, page in first.items()}
    second = connections(await client.data(query, after))
    last = connections(
        await client.data(
            query, {name: page["pageInfo"]["endCursor"] for name, page in second.items()}
        )
    )
    for name in first:
        for page, previous, following in (
            (first, False, True),
            (second, True, True),
            (last, True, False),
        ):
            info = page[name]["pageInfo"]
            cursors = [edge["cursor"] for edge in page[name]["edges"]]
            assert info == {
                "hasPreviousPage": previous,
                "hasNextPage": following,
                "startCursor": cursors[0],
                "endCursor": cursors[-1],
            }, name


@pytest.fixture
async def seeded_with_companies(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.industry("retail")
    for n in range(5):
        seed.account(f"a{n:02d}", industry="retail")
        seed.company(f"c{n:02d}", account=f"a{n:02d}")
        seed.contract(f"k{n:02d}", company=f"c{n:02d}")
    await seed.write(engine)
