"""REVIEW h1 (failing on purpose, a finding, not a fix): an account key learns the day another
customer of its app last bought, from its own quarter's recencyDays.

store/jobs/segment.py measures recencyDays of a quarter the app's sales do not reach the end
of to the app's latest sale (analytics/rfm.py QuarterActivity.recency_days), and
resolvers/segment_cohort.py passes it to an account key untouched, even in a quarter whose
segments it withholds. The account knows its own last purchase, so its last purchase plus
recencyDays is the app's latest sale: another customer's date, learnt from one customer.
daysSinceLastPurchase was changed to count to today for this very reason (resolvers/
account_view.py); recencyDays was not."""

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

QUERY = """query { account(accountId: "c0") { salesProfile {
  lastPurchase daysSinceLastPurchase quarters { quarter recencyDays segmentStatus } } } }"""


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _answer(engine: AsyncEngine, http: httpx.AsyncClient, other_day: dt.date) -> object:
    seed = Seed()
    seed.app("north")
    seed.account("c0", app="north")
    seed.account("c1", app="north")
    sales = [
        sale("c0", dt.date(2023, 2, 1), 100, "c0-1"),
        sale("c1", other_day, 100, "c1-1"),
    ]
    await load(engine, seed, sales, [])
    _record, key = await create_key(engine, role=Role.ACCOUNT, account_id="c0")
    response = await http.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"}
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


@pytest.mark.parametrize("other_day", [dt.date(2023, 2, 20), dt.date(2023, 3, 7)])
async def test_an_account_key_does_not_learn_another_customers_last_purchase(
    engine: AsyncEngine, http: httpx.AsyncClient, other_day: dt.date
) -> None:
    data = await _answer(engine, http, other_day)
    (quarter,) = data["account"]["salesProfile"]["quarters"]  # type: ignore[index]
    learnt = dt.date(2023, 2, 1) + dt.timedelta(days=quarter["recencyDays"])
    # Expected: nothing c0's key is told depends on c1's purchase day.
    assert learnt != other_day, f"c0's key computed c1's purchase day {learnt} from {data}"


# REVIEW h1 (failing on purpose, a finding): quarter segments use a weaker cohort rule for an
# account key than every other cross-account figure. resolvers/figures.py refuses an account
# key a figure in which its own account leaves fewer than 5 others (README "Side information":
# "an account key in a cohort of 5"), but resolvers/segment_cohort.py counts the key's own
# account among the 5, so with 4 others the key is told where it ranks among them (exact
# K-means, no noise).
SEGMENT_QUERY = """query { account(accountId: "c4") { salesProfile { quarters {
  monetarySegment segmentStatus } } } }"""


async def test_an_account_key_is_not_ranked_against_four_others(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    seed = Seed()
    seed.app("north")
    sales = []
    for n, amount in enumerate([100, 200, 300, 4000, 9000]):
        seed.account(f"c{n}", app="north")
        sales.append(sale(f"c{n}", dt.date(2023, 2, 1 + n), amount, f"c{n}-1"))
    await load(engine, seed, sales, [])
    _record, key = await create_key(engine, role=Role.ACCOUNT, account_id="c4")
    response = await http.post(
        "/graphql", json={"query": SEGMENT_QUERY}, headers={"Authorization": f"Bearer {key}"}
    )
    (quarter,) = response.json()["data"]["account"]["salesProfile"]["quarters"]
    # Expected, as for benchmarks: its own account leaves 4 others, fewer than 5: withheld.
    assert quarter["segmentStatus"] == "TOO_FEW_CUSTOMERS", quarter


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
