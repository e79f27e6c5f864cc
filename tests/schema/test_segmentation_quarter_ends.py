"""Query.segmentation at the ends of the quarters it takes: 0001-Q1 has no previous quarter
the argument could name (0000-Q4 is refused), so previousQuarter is null; 9999-Q4 answers
like any quarter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs.segment import segment_apps
from store.tables import SALE_LINE_TABLE
from store.upsert import upsert
from tests.api_client import GraphQLClient
from tests.factories import Seed

QUERY = """
query ($quarter: String!, $app: String!) {
  segmentation(quarter: $quarter, app: $app) {
    app quarter previousQuarter status
    frequency { accounts previousAccounts entered { segment accounts } }
    monetary { accounts lapsed { segment accounts } }
    valueByCreditRisk { accounts }
    accountsWithoutCreditRisk creditRiskAsOf
  }
}
"""


@pytest.fixture
async def north(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.account("a", app="north")
    await seed.write(engine)
    async with engine.begin() as connection:
        await upsert(
            connection,
            SALE_LINE_TABLE,
            [
                {
                    "account_id": "a",
                    "sale_date": dt.date(2024, 2, 1),
                    "invoice": "1",
                    "line": 1,
                    "amount": Decimal(10),
                    "quantity": None,
                    "cost": None,
                    "profit": None,
                }
            ],
        )
        await segment_apps(connection)


@pytest.mark.usefixtures("north")
async def test_the_first_quarter_has_no_previous_quarter(client: GraphQLClient) -> None:
    data = await client.data(QUERY, {"quarter": "0001-Q1", "app": "north"})
    result = data["segmentation"]
    assert (result["quarter"], result["previousQuarter"]) == ("0001-Q1", None)
    assert result["status"] == "NO_SALES"
    assert result["frequency"]["previousAccounts"] == 0
    # The quarter before 0001-Q1 is one the argument refuses.
    refused = await client.post(QUERY, {"quarter": "0000-Q4", "app": "north"})
    assert refused["data"] is None
    assert "'0000-Q4' is not a calendar quarter" in refused["errors"][0]["message"]


@pytest.mark.usefixtures("north")
async def test_the_last_quarter_answers(client: GraphQLClient) -> None:
    data = await client.data(QUERY, {"quarter": "9999-Q4", "app": "north"})
    result = data["segmentation"]
    assert (result["quarter"], result["previousQuarter"]) == ("9999-Q4", "9999-Q3")
    assert result["status"] == "NO_SALES"
    assert result["monetary"]["accounts"] == 0
    # The next quarter does not exist: nothing answers with it.
    assert "10000" not in str(data)
