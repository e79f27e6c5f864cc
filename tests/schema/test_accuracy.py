"""The accuracy of private figures through HTTP: what each key is told of their precision, and
that our own sentences (pulse report, comparison insight) never cite an uninformative one."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.pulse import NONE_INFORMATIVE
from server.app import create_app
from settings import load_settings
from store.jobs.publish import publish_month
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed

MARCH, APRIL = dt.date(2023, 3, 1), dt.date(2023, 4, 1)
SIZES = {"big": 60, "small": 6}

QUERY = """query ($month: Date!) {
  sectorBenchmarks(metric: "csat", effectiveDate: $month) {
    sector figureKind informative p50
    accuracy { confidence rankError rankErrorPercent halfWidth informative budgetFactor summary }
  }
  industry(industryId: "big") {
    metrics(names: ["csat"], effectiveDates: [$month]) {
      figureKind informative accuracy { halfWidth informative summary } } }
  pulseReport(month: $month) { monthSummary }
  account(accountId: "small-0") {
    comparison(metric: "csat", effectiveDate: $month) { informative insight accuracy { rankError } }
  }
}"""


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    seed = Seed()
    seed.definition("csat", "percent", aggregation="mean", bounds=("0", "100"))
    seed.app("north")
    seed.app("south")
    for industry, size in SIZES.items():
        seed.industry(industry)
        for n in range(size):
            # The app key asking owns one account of each sector: it may compare it.
            app = "north" if n == 0 else "south"
            seed.account(f"{industry}-{n}", app=app, industry=industry)
            for month in (MARCH, APRIL):
                value = 60 + (n * 7) % 35 + (5 if industry == "big" else 0)
                seed.metric("account", f"{industry}-{n}", "csat", month.isoformat(), str(value))
    await seed.write(engine)
    today = dt.date.fromisoformat(TODAY)
    # March at a small budget: nothing precise. April at a huge one: the big sector's figures
    # are informative, the six accounts' never are (a quarter of 6 is under two accounts).
    await publish_month(engine, month=MARCH, today=today, min_cohort=5, privacy_epsilon=1.0)
    await publish_month(engine, month=APRIL, today=today, min_cohort=5, privacy_epsilon=1e5)
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _ask(
    engine: AsyncEngine, http: httpx.AsyncClient, role: Role, month: dt.date
) -> dict[str, Any]:
    app = "north" if role is Role.APP else None
    _, key = await create_key(engine, role=role, app_id=app)
    response = await http.post(
        "/graphql",
        json={"query": QUERY, "variables": {"month": month.isoformat()}},
        headers={"Authorization": f"Bearer {key}"},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_a_small_budget_makes_no_sentence_of_noise(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    data = await _ask(engine, http, Role.APP, MARCH)
    for row in data["sectorBenchmarks"]:
        assert row["figureKind"] == "DIFFERENTIALLY_PRIVATE"
        assert row["informative"] is False
        accuracy = row["accuracy"]
        assert accuracy["confidence"] == 0.95
        assert accuracy["informative"] is False
        assert accuracy["rankError"] > 0
        assert accuracy["halfWidth"] is None
        assert "too imprecise" in accuracy["summary"]
    (rollup,) = data["industry"]["metrics"]
    assert rollup["figureKind"] == "DIFFERENTIALLY_PRIVATE"
    assert rollup["accuracy"]["halfWidth"] > 0
    # csat is a percentage: its margin is in points, not a share of the value ("±43.9%").
    assert "percentage points of the exact value" in rollup["accuracy"]["summary"]
    assert "%" not in rollup["accuracy"]["summary"].split("within")[1]
    assert rollup["informative"] is rollup["accuracy"]["informative"]
    summary = data["pulseReport"]["monthSummary"]
    assert NONE_INFORMATIVE in summary
    assert not any(line.startswith("Best") for line in summary)
    comparison = data["account"]["comparison"]
    assert comparison["informative"] is False
    assert "cannot be placed in Small" in comparison["insight"]


async def test_informative_figures_are_cited_and_the_others_are_not(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    data = await _ask(engine, http, Role.APP, APRIL)
    rows = {row["sector"]: row for row in data["sectorBenchmarks"]}
    assert rows["big"]["informative"] is True
    assert rows["big"]["accuracy"]["rankError"] <= 60 / 4
    assert rows["big"]["accuracy"]["budgetFactor"] == 1
    assert rows["small"]["informative"] is False
    assert rows["small"]["accuracy"]["budgetFactor"] is None  # no budget places six accounts
    (rollup,) = data["industry"]["metrics"]
    assert rollup["informative"] is True
    summary = data["pulseReport"]["monthSummary"]
    assert [line for line in summary if line.startswith("Best")] == [
        line for line in summary if line.startswith("Best csat: Big (median ")
    ]
    assert any(line.startswith("Best csat: Big") for line in summary)
    assert not any(line.startswith("Small,") for line in summary)
    assert "cannot be placed" in data["account"]["comparison"]["insight"]


async def test_internal_keys_get_exact_figures_marked_informative(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    data = await _ask(engine, http, Role.INTERNAL, MARCH)
    for row in data["sectorBenchmarks"]:
        assert (row["figureKind"], row["informative"], row["accuracy"]) == ("EXACT", True, None)
    (rollup,) = data["industry"]["metrics"]
    assert (rollup["informative"], rollup["accuracy"]) == (True, None)
    assert any(line.startswith("Best csat") for line in data["pulseReport"]["monthSummary"])
    comparison = data["account"]["comparison"]
    assert (comparison["informative"], comparison["accuracy"]) == (True, None)
    assert "of Small:" in comparison["insight"]
