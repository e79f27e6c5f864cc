"""Segmentation.status: a quarter's 0 accounts told apart, on both stores, as no sales in the
quarter (NO_SALES) or sales the segment job has not segmented yet (NOT_SEGMENTED), from a
quarter with segments (SEGMENTED); at most one statement more, and only for a quarter without
segments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import SALE_LINE_TABLE
from store.upsert import upsert
from tests.api_client import GraphQLClient, StatementCounter
from tests.factories import Seed
from tests.schema.segmentation_support import load, sale

STATUS = """query ($quarter: String!, $app: String!) {
  segmentation(quarter: $quarter, app: $app) {
    quarter status
    frequency { accounts previousAccounts }
    monetary { accounts }
  }
}"""


@pytest.fixture
async def gappy(engine: AsyncEngine) -> None:
    """App gap: three accounts buy in 2024-Q1 and 2024-Q3, nobody in Q2, segmented by the
    job; then a Q4 sale written without it. App busy buys in Q2: not gap's sales."""
    seed = Seed()
    sales: list[Any] = []
    for n in range(3):
        account = f"g-{n}"
        seed.account(account, app="gap")
        sales.append(sale(account, dt.date(2024, 2, 1 + n), 100 * (n + 1), f"{account}-1"))
        sales.append(sale(account, dt.date(2024, 8, 1 + n), 50 * (n + 1), f"{account}-3"))
    seed.account("b-0", app="busy")
    sales.append(sale("b-0", dt.date(2024, 5, 1), 70, "b-0-2"))
    await load(engine, seed, sales, [])
    async with engine.begin() as connection:
        await upsert(connection, SALE_LINE_TABLE, [sale("g-0", dt.date(2024, 12, 31), 10, "g-4")])


@pytest.mark.parametrize(
    ("quarter", "status", "accounts", "previous"),
    [
        ("2024-Q1", "SEGMENTED", 3, 0),
        # Between two quarters with sales: the previous quarter's accounts all lapsed.
        ("2024-Q2", "NO_SALES", 0, 3),
        ("2024-Q3", "SEGMENTED", 3, 0),
        ("2024-Q4", "NOT_SEGMENTED", 0, 3),
        ("2023-Q4", "NO_SALES", 0, 0),  # before the first sale
        ("2025-Q1", "NO_SALES", 0, 0),  # after the last one
    ],
)
async def test_the_status_says_why_a_quarter_has_no_accounts(
    client: GraphQLClient, gappy: None, quarter: str, status: str, accounts: int, previous: int
) -> None:
    answer = (await client.data(STATUS, {"quarter": quarter, "app": "gap"}))["segmentation"]
    assert answer["status"] == status
    assert answer["frequency"]["accounts"] == answer["monetary"]["accounts"] == accounts
    assert answer["frequency"]["previousAccounts"] == previous


async def test_an_app_with_no_sales_at_all(engine: AsyncEngine, client: GraphQLClient) -> None:
    seed = Seed()
    seed.account("n-0", app="newcomer")
    await seed.write(engine)
    answer = (await client.data(STATUS, {"quarter": "2024-Q1", "app": "newcomer"}))["segmentation"]
    assert answer["status"] == "NO_SALES"


async def test_one_statement_more_and_only_without_segments(
    client: GraphQLClient, gappy: None, sql_statements: StatementCounter
) -> None:
    counts = {}
    for quarter in ("2024-Q1", "2024-Q2", "2024-Q4"):
        sql_statements.reset()
        await client.data(STATUS, {"quarter": quarter, "app": "gap"})
        counts[quarter] = sql_statements.count
    # The app, the counts; then, for a quarter without segments, whether it has sales.
    assert counts == {"2024-Q1": 2, "2024-Q2": 3, "2024-Q4": 3}, sql_statements.statements


async def test_a_query_asked_again_reads_the_quarter_once(
    client: GraphQLClient, gappy: None, sql_statements: StatementCounter
) -> None:
    """From its second time, a query runs on the direct path, which hands an operation with
    enum values back to graphql-core to run again: the quarter is still read once."""
    query = """{ segmentation(quarter: "2024-Q1", app: "gap") {
        quarter frequency { counts { segment accounts } } } }"""
    counts = []
    for _ in range(3):
        sql_statements.reset()
        await client.data(query)
        counts.append(sql_statements.count)
    assert counts == [2, 2, 2], sql_statements.statements
