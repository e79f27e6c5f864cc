"""A published month's private figures, and everything read off them (a key's rank, the
insight's band, the accuracy of the percentiles and of the roll-ups, the pulse), follow the
bounds and roll-up the release was drawn with, frozen with it: a definitions load that drops or
changes a metric's bounds or aggregation afterwards changes no answer about that month. A
release published before the server kept its bounds, which cannot be told any more, still
gives its figures, and says why it gives no rank (RELEASE_BOUNDS_UNKNOWN), never an internal
error."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.ingest import IngestKind
from store.jobs.publish import publish_month
from store.keys import create_key
from store.scope import Role
from store.tables import COHORT_TABLE
from tests.api_client import TODAY
from tests.factories import Seed
from tests.store.ingest.support import load_text

MARCH = dt.date(2023, 3, 1)
HEADER = "name,unit,aggregation,lower_bound,upper_bound\n"

# Every answer of the month that a key other than internal gets from the release: an account
# key's own comparisons, and what every key gets.
ACCOUNT = """
  account(accountId: "big-0") {
    comparison(metric: "csat", effectiveDate: "2023-03-01") {
      customerPercentile sectorP50 sectorP90 insight informative
      accuracy { rankError summary }
      benchmark { p25 p50 p75 p90 informative accuracy { summary } }
    }
    latest: comparison(metric: "csat", latestWithValue: true) {
      effectiveDate customerPercentile insight benchmark { p50 }
    }
    revenue: comparison(metric: "revenue", effectiveDate: "2023-03-01") {
      customerPercentile insight informative accuracy { summary }
    }
  }"""
SHARED = """
  csat: sectorBenchmarks(metric: "csat", effectiveDate: "2023-03-01") {
    sector figureKind p50 informative accuracy { rankError summary }
  }
  industry(industryId: "big") {
    metrics(names: ["revenue", "csat"]) {
      metricName value figureKind informative accuracy { halfWidth rankError summary }
    }
  }
  pulseReport(month: "2023-03-01") {
    monthSummary methodology benchmarks { metric p50 informative accuracy { summary } }
  }"""


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    seed = Seed()
    seed.definition("csat", "percent", aggregation="mean", bounds=("0", "100"))
    seed.definition("revenue", "EUR", aggregation="sum", bounds=("0", "1000"))
    seed.app("north")
    seed.industry("big")
    for n in range(7):
        seed.account(f"big-{n}", app="north", industry="big")
        seed.metric("account", f"big-{n}", "csat", MARCH.isoformat(), str(50 + 5 * n))
        seed.metric("account", f"big-{n}", "revenue", MARCH.isoformat(), str(100 + 100 * n))
    await seed.write(engine)
    await publish_month(engine, month=MARCH, today=dt.date.fromisoformat(TODAY), min_cohort=5)
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _ask(engine: AsyncEngine, http: httpx.AsyncClient, role: Role) -> dict[str, Any]:
    _, key = await create_key(
        engine, role=role, account_id="big-0" if role is Role.ACCOUNT else None
    )
    query = "{" + (ACCOUNT if role is not Role.PUBLIC else "") + SHARED + "}"
    response = await http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _codes(body: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    return {tuple(error["path"]): error["extensions"]["code"] for error in body.get("errors", [])}


# What a definitions load may do to the metrics after the month was published.
CHANGES = {
    "bounds dropped": "csat,percent,mean,,\nrevenue,EUR,sum,,\n",
    "bounds narrowed": "csat,percent,mean,52,58\nrevenue,EUR,sum,100,200\n",
    "bounds widened": "csat,percent,mean,-500,5000\nrevenue,EUR,sum,0,100000\n",
    "aggregation changed": "csat,percent,sum,0,100\nrevenue,EUR,mean,0,1000\n",
}


@pytest.mark.parametrize("change", list(CHANGES))
async def test_a_definitions_load_after_publish_changes_no_answer_about_the_month(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path, change: str
) -> None:
    before = {role: await _ask(engine, http, role) for role in (Role.ACCOUNT, Role.PUBLIC)}
    for body in before.values():
        assert "errors" not in body, body
    comparison = before[Role.ACCOUNT]["data"]["account"]["comparison"]
    assert comparison["customerPercentile"] is not None
    assert comparison["accuracy"] is not None

    await load_text(engine, tmp_path, IngestKind.DEFINITIONS, HEADER + CHANGES[change])

    for role, expected in before.items():
        assert await _ask(engine, http, role) == expected, role


async def test_a_revision_keeps_an_unchanged_draw_with_the_bounds_it_was_drawn_with(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    """A revision of the month whose data did not change keeps each draw (no budget spent
    again), and with it the bounds it was drawn with, not the ones declared since."""
    before = await _ask(engine, http, Role.ACCOUNT)
    await load_text(engine, tmp_path, IngestKind.DEFINITIONS, HEADER + CHANGES["bounds narrowed"])
    result = await publish_month(
        engine, month=MARCH, today=dt.date.fromisoformat(TODAY), min_cohort=5, revise=True
    )
    assert result.revision == 2
    assert await _ask(engine, http, Role.ACCOUNT) == before


async def _forget_release_bounds(engine: AsyncEngine) -> None:
    """What migration 0011 leaves of a release published before it whose metric's bounds
    were dropped (or changed beyond what the release fits) before the upgrade."""
    async with engine.begin() as connection:
        await connection.execute(
            update(COHORT_TABLE).values(
                release_lower_bound=None, release_upper_bound=None, release_aggregation=None
            )
        )


async def test_a_release_whose_bounds_are_unknown_gives_its_figures_and_says_why_no_rank(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    before = await _ask(engine, http, Role.ACCOUNT)
    await _forget_release_bounds(engine)
    await load_text(engine, tmp_path, IngestKind.DEFINITIONS, HEADER + CHANGES["bounds dropped"])

    body = await _ask(engine, http, Role.ACCOUNT)
    codes = _codes(body)
    assert set(codes.values()) == {"RELEASE_BOUNDS_UNKNOWN"}, body["errors"]
    assert set(codes) == {
        ("account", "comparison", "customerPercentile"),
        ("account", "latest", "customerPercentile"),
        ("account", "revenue", "customerPercentile"),
    }
    message = next(e["message"] for e in body["errors"] if e["path"][1] == "comparison")
    assert "csat" in message
    assert "2023-03" in message
    assert "bounds" in message

    account, was = body["data"]["account"], before["data"]["account"]
    comparison = account["comparison"]
    # The release itself is still given, as published ...
    for field in ("sectorP50", "sectorP90"):
        assert comparison[field] == was["comparison"][field]
    for field in ("p25", "p50", "p75", "p90"):
        assert comparison["benchmark"][field] == was["comparison"]["benchmark"][field]
    assert account["latest"]["effectiveDate"] == "2023-03-01"
    # ... but nothing that needs its bounds: no rank, no band, no accuracy.
    assert comparison["customerPercentile"] is None
    assert comparison["insight"] is None
    assert comparison["accuracy"] is None
    assert comparison["informative"] is False
    assert account["latest"]["customerPercentile"] is None
    rows = {row["metricName"]: row for row in body["data"]["industry"]["metrics"]}
    assert (
        rows["revenue"]["value"]
        == {row["metricName"]: row for row in before["data"]["industry"]["metrics"]}["revenue"][
            "value"
        ]
    )
    assert rows["revenue"]["accuracy"] is None


async def test_internal_keys_rank_in_the_exact_cohort_whatever_the_bounds(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    before = await _ask(engine, http, Role.INTERNAL)
    await _forget_release_bounds(engine)
    await load_text(engine, tmp_path, IngestKind.DEFINITIONS, HEADER + CHANGES["bounds dropped"])
    after = await _ask(engine, http, Role.INTERNAL)
    assert "errors" not in after, after
    assert after == before
    assert after["data"]["account"]["comparison"]["customerPercentile"] == 14
