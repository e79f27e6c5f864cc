"""REVIEW h1 (failing on purpose, a finding): what is left of this file is monetaryIsProfit
(h6's); its recencyDays and four-others findings moved to tests/server/test_segment_privacy.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed
from tests.schema.segmentation_support import load, sale


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


# REVIEW h1 (failing on purpose, a finding, minor): in a quarter withheld from an account key
# (TOO_FEW_CUSTOMERS), monetaryIsProfit still says whether every other customer of the quarter
# had a profit on every line: one bit of another customer's data, from one customer.
PROFIT_QUERY = """query { account(accountId: "c0") { salesProfile { quarters {
  monetaryIsProfit segmentStatus } } } }"""


@pytest.mark.parametrize("other_profit", [None, Decimal(10)])
async def test_a_withheld_quarter_says_nothing_of_the_others_profits(
    engine: AsyncEngine, http: httpx.AsyncClient, other_profit: Decimal | None
) -> None:
    seed = Seed()
    seed.app("north")
    seed.account("c0", app="north")
    seed.account("c1", app="north")
    own = sale("c0", dt.date(2023, 2, 1), 100, "c0-1") | {"profit": Decimal(5)}
    other = sale("c1", dt.date(2023, 2, 2), 100, "c1-1") | {"profit": other_profit}
    await load(engine, seed, [own, other], [])
    _record, key = await create_key(engine, role=Role.ACCOUNT, account_id="c0")
    response = await http.post(
        "/graphql", json={"query": PROFIT_QUERY}, headers={"Authorization": f"Bearer {key}"}
    )
    (quarter,) = response.json()["data"]["account"]["salesProfile"]["quarters"]
    assert quarter["segmentStatus"] == "TOO_FEW_CUSTOMERS"
    # Expected: the same answer whether or not c1 had profits; c0's own lines all have one.
    assert quarter["monetaryIsProfit"] is True, f"c1 without profits changed c0's answer: {quarter}"
