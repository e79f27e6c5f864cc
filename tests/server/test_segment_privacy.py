"""Quarter segments tested as an attacker would: an account key asks everything it can about
segments (its sales profile's segments and clusters, the app's segmentation, the apps) and
tries to order itself against the other customers of a quarter. In a quarter with fewer other
customers than the cohort minimum its answers must not depend on the others' purchases at all
(so nothing orders it against fewer than 5 others: the rule sector benchmarks follow for an
account key), while an app key, which sees every account of its app anyway, keeps the
segments; from the cohort minimum of others on, the account key gets them. Nothing it is told
depends on when another customer bought either (a quarter's recency)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.cohort import MIN_COHORT
from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from store.tables import METADATA
from tests.api_client import TODAY
from tests.factories import Seed
from tests.schema.segmentation_support import load, sale

QUARTER = "2023-Q1"
EVERYTHING = """query ($own: String!) {
  account(accountId: $own) {
    salesProfile {
      quarters {
        quarter orders revenue profit frequencySegment monetarySegment frequencyCluster
        monetaryCluster recencyDays monetaryIsProfit segmentStatus
      }
    }
  }
  apps { appId accountCount firstSale lastSale }
}"""
SEGMENTATION = """query ($quarter: String!) {
  segmentation(quarter: $quarter, app: "north") {
    frequency { accounts entered { segment accounts } }
    monetary { accounts entered { segment accounts } }
  }
}"""
SEGMENT_FIELDS = ("frequencySegment", "monetarySegment", "frequencyCluster", "monetaryCluster")


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


async def _quarter(engine: AsyncEngine, amounts: Sequence[int]) -> list[str]:
    """One app whose customers c0, c1... bought once each in the quarter, for `amounts`; their
    account keys, in that order. c0 also buys again on the quarter's last day, so that its
    orders differ from everyone else's."""
    seed = Seed()
    seed.app("north")
    sales = []
    for n, amount in enumerate(amounts):
        seed.account(f"c{n}", app="north")
        sales.append(sale(f"c{n}", dt.date(2023, 2, 1 + n), amount, f"c{n}-1"))
    sales.append(sale("c0", dt.date(2023, 3, 31), 1, "c0-2"))
    await load(engine, seed, sales, [])
    keys = []
    for n in range(len(amounts)):
        _record, key = await create_key(engine, role=Role.ACCOUNT, account_id=f"c{n}")
        keys.append(key)
    return keys


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _post(
    http: httpx.AsyncClient, key: str, query: str, variables: dict[str, str]
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _everything(http: httpx.AsyncClient, key: str, own: str) -> dict[str, Any]:
    body = await _post(http, key, EVERYTHING, {"own": own})
    assert "errors" not in body, body
    return body


def _quarter_of(body: dict[str, Any]) -> dict[str, Any]:
    (quarter,) = body["data"]["account"]["salesProfile"]["quarters"]
    assert quarter["quarter"] == QUARTER
    return dict(quarter)


@settings(
    max_examples=5,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    others=st.lists(st.integers(1, 10_000), min_size=1, max_size=MIN_COHORT - 1),
    again=st.lists(st.integers(1, 10_000), min_size=MIN_COHORT - 1, max_size=MIN_COHORT - 1),
)
async def test_an_account_key_cannot_order_itself_against_fewer_than_five_others(
    engine: AsyncEngine, http: httpx.AsyncClient, others: list[int], again: list[int]
) -> None:
    """c0 and up to 4 others: whatever the others spent, c0's key gets the same answer (so it
    cannot order itself against them), with no segment, no cluster and the reason. Four others
    are refused too, as a sector benchmark refuses an account key in a cohort of 5: the key
    knows its own orders and revenue, so a segment among 5 would rank it against 4."""
    answers = []
    for amounts in ([500, *others], [500, *again[: len(others)]]):
        await _reset(engine)
        keys = await _quarter(engine, amounts)
        body = await _everything(http, keys[0], "c0")
        # The app's segmentation is, for an account key, an app that does not exist.
        refused = await _post(http, keys[0], SEGMENTATION, {"quarter": QUARTER})
        assert [error["extensions"]["code"] for error in refused["errors"]] == ["NOT_FOUND"]
        quarter = _quarter_of(body)
        assert quarter["segmentStatus"] == "TOO_FEW_CUSTOMERS"
        assert [quarter[name] for name in SEGMENT_FIELDS] == ["NOT_COMPARED"] * 2 + [None] * 2
        answers.append(body)
    assert answers[0] == answers[1]


async def test_every_customer_of_a_small_quarter_is_withheld_but_the_app_key_sees_all(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    amounts = [100, 200, 300, 4000, 9000]  # the cohort minimum, each key's own included
    keys = await _quarter(engine, amounts)
    for n, key in enumerate(keys):
        quarter = _quarter_of(await _everything(http, key, f"c{n}"))
        assert quarter["segmentStatus"] == "TOO_FEW_CUSTOMERS"
        assert quarter["monetarySegment"] == quarter["frequencySegment"] == "NOT_COMPARED"
        assert quarter["monetaryCluster"] is quarter["frequencyCluster"] is None
        # Its own orders and revenue stay: they are its own data.
        assert Decimal(quarter["revenue"]) == amounts[n] + (1 if n == 0 else 0)
    _record, app_key = await create_key(engine, role=Role.APP, app_id="north")
    segments = set()
    for n in range(len(amounts)):
        quarter = _quarter_of(await _everything(http, app_key, f"c{n}"))
        assert quarter["segmentStatus"] == "SEGMENTED"
        segments.add(quarter["monetarySegment"])
    assert "NOT_COMPARED" not in segments
    assert len(segments) > 1


async def test_from_the_cohort_minimum_on_an_account_key_gets_its_segments(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    """The checks above can see segments: with five others (six customers) they are given."""
    keys = await _quarter(engine, [100, 200, 300, 400, 4000, 9000])
    quarter = _quarter_of(await _everything(http, keys[5], "c5"))
    assert quarter["segmentStatus"] == "SEGMENTED"
    assert quarter["monetarySegment"] == "HIGH_VALUE"
    assert isinstance(quarter["monetaryCluster"], int)


async def _profit_quarter(
    engine: AsyncEngine, buyers: int, *, others_profit: bool, latest_other: dt.date
) -> dict[str, str]:
    """c0 and `buyers - 1` others bought in the quarter; c0's sales have a profit (their
    amount), the others' too when `others_profit`, else c1's has none; c1 bought last, on
    `latest_other`. The keys of c0 and of the app."""
    seed = Seed()
    seed.app("north")
    sales = []
    for n in range(buyers):
        seed.account(f"c{n}", app="north")
        day = latest_other if n == 1 else dt.date(2023, 1, 10 + n)
        line = sale(f"c{n}", day, 100 * (n + 1), f"c{n}-1")
        if n != 1 or others_profit:
            line["profit"] = line["amount"]  # profit ranks as revenue does: same segments
        sales.append(line)
    await load(engine, seed, sales, [])
    return {
        "c0": (await create_key(engine, role=Role.ACCOUNT, account_id="c0"))[1],
        "app": (await create_key(engine, role=Role.APP, app_id="north"))[1],
    }


# A small quarter, and the smallest an account key is told the segments of (5 others).
@pytest.mark.parametrize("buyers", [2, MIN_COHORT + 1])
async def test_an_account_key_learns_neither_the_others_profits_nor_their_latest_sale(
    engine: AsyncEngine, http: httpx.AsyncClient, buyers: int
) -> None:
    """Whether every other buyer of a quarter had a profit (monetaryIsProfit) and when the
    last of them bought (a quarter's recency measured to the app's latest sale) are facts
    about the others: c0's key gets the same answers whatever they are, in a small quarter and
    in one of the cohort minimum; the app key, which sees every buyer, is told both."""
    told: list[dict[str, Any]] = []
    app_told: list[dict[str, Any]] = []
    for others_profit, latest_other in (
        (True, dt.date(2023, 2, 14)),
        (False, dt.date(2023, 2, 14)),
        (True, dt.date(2023, 3, 2)),
    ):
        await _reset(engine)
        keys = await _profit_quarter(
            engine, buyers, others_profit=others_profit, latest_other=latest_other
        )
        told.append(await _everything(http, keys["c0"], "c0"))
        app_told.append(_quarter_of(await _everything(http, keys["app"], "c0")))
    assert told[0] == told[1] == told[2]
    quarter = _quarter_of(told[0])
    assert quarter["monetaryIsProfit"] is None
    assert Decimal(quarter["profit"]) == 100  # its own profit stays: its own data
    # Counted to the quarter's end (today is later): c0 last bought on 10 January.
    assert quarter["recencyDays"] == (dt.date(2023, 3, 31) - dt.date(2023, 1, 10)).days
    # What the answers would tell, as the app key is told it.
    assert [q["monetaryIsProfit"] for q in app_told] == [True, False, True]
    assert [q["recencyDays"] for q in app_told] == [
        (dt.date(2023, 2, 14) - dt.date(2023, 1, 10)).days,
        (dt.date(2023, 2, 14) - dt.date(2023, 1, 10)).days,
        (dt.date(2023, 3, 2) - dt.date(2023, 1, 10)).days,
    ]


async def _two_customers(engine: AsyncEngine, own_day: dt.date, other_day: dt.date) -> str:
    """c0 bought on `own_day`, c1 on `other_day`, in the same quarter; c0's account key."""
    seed = Seed()
    seed.app("north")
    seed.account("c0", app="north")
    seed.account("c1", app="north")
    sales = [sale("c0", own_day, 100, "c0-1"), sale("c1", other_day, 100, "c1-1")]
    await load(engine, seed, sales, [])
    _record, key = await create_key(engine, role=Role.ACCOUNT, account_id="c0")
    return key


@pytest.mark.parametrize(
    ("own_day", "other_days", "counted_to"),
    [
        # A quarter over by today (2023-05-17): counted to its end, not to c1's last sale.
        (dt.date(2023, 2, 1), [dt.date(2023, 2, 20), dt.date(2023, 3, 7)], dt.date(2023, 3, 31)),
        # A quarter not over by today: counted to today, as daysSinceLastPurchase.
        (dt.date(2023, 4, 3), [dt.date(2023, 4, 20), dt.date(2023, 5, 2)], dt.date(2023, 5, 17)),
    ],
)
async def test_an_account_key_does_not_learn_when_another_customer_last_bought(
    engine: AsyncEngine,
    http: httpx.AsyncClient,
    own_day: dt.date,
    other_days: list[dt.date],
    counted_to: dt.date,
) -> None:
    """The segment job counts a quarter the app's sales do not reach the end of up to the
    app's latest sale: c0 knows its own last purchase, so its recencyDays would give it c1's
    purchase day. Whatever day c1 bought, c0's key gets the same answers; the app key, which
    sees c1 anyway, is counted to c1's day (so the check can see a difference)."""
    told = []
    for other_day in other_days:
        await _reset(engine)
        key = await _two_customers(engine, own_day, other_day)
        body = await _everything(http, key, "c0")
        told.append(body)
        quarter = body["data"]["account"]["salesProfile"]["quarters"][0]
        assert own_day + dt.timedelta(days=quarter["recencyDays"]) == counted_to
        _record, app_key = await create_key(engine, role=Role.APP, app_id="north")
        app_told = await _everything(http, app_key, "c0")
        app_quarter = app_told["data"]["account"]["salesProfile"]["quarters"][0]
        assert own_day + dt.timedelta(days=app_quarter["recencyDays"]) == other_day
    assert told[0] == told[1]
