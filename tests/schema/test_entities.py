"""Entities, relations, global ids, lookups and their errors."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api_client import GraphQLClient
from tests.factories import Seed


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.industry("retail", "Retail & Consumer")
    seed.account("007", app="north", industry="retail", key=True, employees=40)
    seed.account("acc-2", app="south")
    seed.company("co-1", account="007", industry="retail")
    seed.company("co-2", account="007")
    seed.contract("ct-1", company="co-1")
    seed.contract("ct-2", company="co-2")
    seed.definition("revenue", "EUR")
    seed.definition("response_time", "minutes", higher_is_better=False)
    await seed.write(engine)


async def test_account_fields_and_relations(client: GraphQLClient, seeded: None) -> None:
    data = await client.data(
        """{ account(accountId: "007") {
             accountId name app isKeyAccount nEmployees
             industry { industryId name }
             companies { companyId account { accountId } industry { industryId } }
             contracts { contractId company { companyId } account { accountId } }
        } }"""
    )
    account = data["account"]
    assert account["accountId"] == "007"  # leading zeros kept: ids are strings
    assert (account["app"], account["isKeyAccount"], account["nEmployees"]) == ("north", True, 40)
    assert account["industry"] == {"industryId": "retail", "name": "Retail & Consumer"}
    assert [c["companyId"] for c in account["companies"]] == ["co-1", "co-2"]
    assert account["companies"][1]["industry"] is None
    assert [c["contractId"] for c in account["contracts"]] == ["ct-1", "ct-2"]
    assert account["contracts"][1] == {
        "contractId": "ct-2",
        "company": {"companyId": "co-2"},
        "account": {"accountId": "007"},
    }


async def test_node_round_trips_every_type(client: GraphQLClient, seeded: None) -> None:
    data = await client.data(
        """{ account(accountId: "007") { id industry { id }
             companies { id contracts { id } } } }"""
    )
    account = data["account"]
    ids = {
        "Account": account["id"],
        "Industry": account["industry"]["id"],
        "Company": account["companies"][0]["id"],
        "Contract": account["companies"][0]["contracts"][0]["id"],
    }
    for type_name, global_id in ids.items():
        node = await client.data(
            """query ($id: ID!) { node(id: $id) { __typename id
                 ... on Account { accountId } ... on Company { companyId }
                 ... on Contract { contractId } ... on Industry { industryId } } }""",
            {"id": global_id},
        )
        assert node["node"]["__typename"] == type_name
        assert node["node"]["id"] == global_id


@pytest.mark.parametrize(
    ("field", "argument"),
    [
        ("account", 'accountId: "nope"'),
        ("company", 'companyId: "nope"'),
        ("contract", 'contractId: "nope"'),
        ("industry", 'industryId: "nope"'),
        ("node", 'id: "QWNjb3VudDpub3Bl"'),  # Account:nope
    ],
)
async def test_unknown_ids_are_not_found(
    client: GraphQLClient, seeded: None, field: str, argument: str
) -> None:
    body = await client.post(f"{{ {field}({argument}) {{ __typename }} }}")
    assert body["data"] == {field: None}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["path"] == [field]
    assert "nope" in error["message"] or "QWNj" in error["message"]


@pytest.mark.parametrize("bad_id", ["not-base64!", "Rm9vOmJhcg==", ""])  # Foo:bar
async def test_malformed_node_id_is_bad_input(
    client: GraphQLClient, seeded: None, bad_id: str
) -> None:
    body = await client.post("query ($id: ID!) { node(id: $id) { id } }", {"id": bad_id})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_metric_definitions(client: GraphQLClient, seeded: None) -> None:
    data = await client.data("{ metricDefinitions { name unit description higherIsBetter } }")
    assert data["metricDefinitions"] == [
        {
            "name": "response_time",
            "unit": "minutes",
            "description": "response_time in minutes",
            "higherIsBetter": False,
        },
        {"name": "revenue", "unit": "EUR", "description": "revenue in EUR", "higherIsBetter": True},
    ]


async def test_syntax_errors_and_unknown_fields_have_codes(
    client: GraphQLClient, seeded: None
) -> None:
    syntax = await client.post("{ account(accountId: ")
    assert syntax["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    unknown = await client.post('{ account(accountId: "007") { colour } }')
    assert unknown["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
