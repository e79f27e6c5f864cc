"""Relay's PageInfo (hasPreviousPage, startCursor beside hasNextPage, endCursor) of every
connection answers alike by every path: Strawberry's pipeline with graphql-core's executor,
the lean executor, a prepared operation by its compiled plan, and prepared without plans.
Values are checked too, so that the paths cannot agree on a wrong answer."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from resolvers.pagination import encode_cursor
from tests.schema.execution.differential.support import (
    ACCOUNTS,
    COMPANIES,
    CONTRACTS,
    DifferentialClient,
    answer,
)
from tests.schema.query_corpus import Request

EVERY_CONNECTION = """
query ($accounts: String, $companies: String, $contracts: String, $ids: [String!],
       $first: Int) {
  accounts(first: $first, after: $accounts) { pageInfo { ...Info } edges { cursor } }
  asked: accounts(first: $first, after: $accounts, accountIds: $ids) {
    pageInfo { ...Info } edges { cursor } }
  companies(first: $first, after: $companies) { pageInfo { ...Info } edges { cursor } }
  contracts(first: $first, after: $contracts) { pageInfo { ...Info } edges { cursor } }
  industries { industryId accounts(first: $first, after: $accounts) {
    pageInfo { hasPreviousPage startCursor hasNextPage endCursor } edges { cursor } } }
}
fragment Info on PageInfo { hasPreviousPage hasNextPage startCursor endCursor }"""

# Plain shapes, which the direct and compiled plans take without graphql-core's executor.
PLAIN = """query ($after: String, $first: Int) {
  accounts(first: $first, after: $after) {
    pageInfo { startCursor hasPreviousPage endCursor hasNextPage }
    edges { node { accountId } } } }"""

RETAIL = ACCOUNTS[:6]  # the seeded industries: retail has six accounts, energy the others
ENERGY = ACCOUNTS[6:]

# (first, the id every cursor is made of, the accounts asked by id)
PAGES: list[tuple[int, str | None, list[str]]] = [
    (2, None, [ACCOUNTS[3], ACCOUNTS[0]]),
    (2, ACCOUNTS[1], [ACCOUNTS[4], ACCOUNTS[1], ACCOUNTS[6]]),
    (2, ACCOUNTS[5], [ACCOUNTS[5]]),  # energy's accounts all come after it
    (3, "a", [ACCOUNTS[2]]),  # before every entry: nothing precedes the page
    (100, "zz", [ACCOUNTS[2], ACCOUNTS[3]]),  # past every entry: empty pages
]


def _variables(first: int, after: str | None, ids: list[str]) -> dict[str, Any]:
    if after is None:
        return {"first": first, "ids": ids}
    return {
        "first": first,
        "ids": ids,
        "accounts": encode_cursor(after),
        "companies": encode_cursor(after, "company"),
        "contracts": encode_cursor(after, "contract"),
    }


async def _every_way(client: DifferentialClient, request: Request) -> list[bytes]:
    prepared = client.schema.prepared
    assert prepared is not None
    prepared.clear()
    with client.standard_executor():
        standard = await answer(client.http, request)
    prepared.clear()
    pipeline = await answer(client.http, request)
    hits = prepared.hits
    compiled = await answer(client.http, request)
    assert prepared.hits == hits + 1
    with client.without_plans():
        uncompiled = await answer(client.http, request)
    return [standard, pipeline, compiled, uncompiled]


def _check_page(page: dict[str, Any], *, previous: bool) -> None:
    info = page["pageInfo"]
    cursors = [edge["cursor"] for edge in page["edges"]]
    assert info["startCursor"] == (cursors[0] if cursors else None)
    assert info["endCursor"] == (cursors[-1] if cursors else None)
    assert info["hasPreviousPage"] is previous


def _keyset_previous(listed: list[str], after: str | None) -> bool:
    """Relay's hasPreviousPage of a list by id: an entry at or before the cursor's id."""
    return after is not None and any(entry <= after for entry in listed)


@pytest.mark.parametrize(("first", "after", "ids"), PAGES)
async def test_every_connection_s_page_info_answers_alike_on_every_path(
    client: DifferentialClient, seeded: None, first: int, after: str | None, ids: list[str]
) -> None:
    request = Request(EVERY_CONNECTION, _variables(first, after, ids))
    answers = await _every_way(client, request)
    assert all(other == answers[0] for other in answers[1:])
    body = orjson.loads(answers[0])
    assert "errors" not in body, body["errors"]
    data = body["data"]
    _check_page(data["accounts"], previous=_keyset_previous(ACCOUNTS, after))
    _check_page(data["companies"], previous=_keyset_previous(COMPANIES, after))
    _check_page(data["contracts"], previous=_keyset_previous(CONTRACTS, after))
    # In the order asked: the page starts after the cursor's id, or after the whole list
    # when the id is not among those asked.
    _check_page(data["asked"], previous=after is not None)
    members = {"retail": RETAIL, "energy": ENERGY}
    for industry in data["industries"]:
        listed = members[industry["industryId"]]
        _check_page(industry["accounts"], previous=_keyset_previous(listed, after))


@pytest.mark.parametrize("after", [None, ACCOUNTS[0], ACCOUNTS[5], "zz"])
async def test_a_plain_page_answers_alike_on_every_path(
    client: DifferentialClient, seeded: None, after: str | None
) -> None:
    cursor = None if after is None else encode_cursor(after)
    answers = await _every_way(client, Request(PLAIN, {"after": cursor, "first": 2}))
    assert all(other == answers[0] for other in answers[1:])
    info = orjson.loads(answers[0])["data"]["accounts"]["pageInfo"]
    assert info["hasPreviousPage"] is (after is not None)
