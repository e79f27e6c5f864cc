"""A metric without declared bounds has no private release: a key that is not internal is told
so (INTERNAL_ONLY), not that the cohort is too small, and the pulse report and `publish` say
which metrics those are; a cohort that is too small is still refused as such."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.ingest import IngestKind
from store.jobs.publish import publish_month
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed
from tests.store.ingest.support import load_text

MARCH = dt.date(2023, 3, 1)
SIZES = {"big": 7, "small": 3}

QUERY = """{
  sectorBenchmarks(metric: "tickets", effectiveDate: "2023-03-01") { sector figureKind p50 }
  account(accountId: "big-1") {
    comparison(metric: "tickets", effectiveDate: "2023-03-01") { sectorP50 insight }
  }
  pulseReport(month: "2023-03-01") { methodology }
}"""


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    seed = Seed()
    seed.definition("tickets", "count", aggregation="sum")  # no bounds
    seed.definition("csat", "percent", aggregation="mean", bounds=("0", "100"))
    seed.app("north")
    for industry, size in SIZES.items():
        seed.industry(industry)
        for n in range(size):
            seed.account(f"{industry}-{n}", app="north", industry=industry)
            for metric in ("tickets", "csat"):
                seed.metric("account", f"{industry}-{n}", metric, MARCH.isoformat(), str(50 + n))
    await seed.write(engine)
    result = await publish_month(
        engine, month=MARCH, today=dt.date.fromisoformat(TODAY), min_cohort=5
    )
    assert result.internal_only == ("tickets",)
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _ask(engine: AsyncEngine, http: httpx.AsyncClient, role: Role) -> dict[str, Any]:
    account = "big-1" if role is Role.ACCOUNT else None
    _, key = await create_key(engine, role=role, account_id=account)
    response = await http.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"}
    )
    body: dict[str, Any] = response.json()
    return body


def _codes(body: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    return {tuple(error["path"]): error["extensions"]["code"] for error in body.get("errors", [])}


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.ACCOUNT])
async def test_keys_that_get_private_figures_are_told_the_metric_is_internal_only(
    engine: AsyncEngine, http: httpx.AsyncClient, role: Role
) -> None:
    body = await _ask(engine, http, role)
    rows = body["data"]["sectorBenchmarks"]
    assert [row["p50"] for row in rows] == [None, None]
    codes = _codes(body)
    index = {row["sector"]: i for i, row in enumerate(rows)}
    # The big sector (7 accounts, 6 besides an account key's own) lacks only a release ...
    assert codes[("sectorBenchmarks", index["big"], "p50")] == "INTERNAL_ONLY"
    # ... the small one is too small, whatever the bounds.
    assert codes[("sectorBenchmarks", index["small"], "p50")] == "COHORT_TOO_SMALL"
    if role is Role.ACCOUNT:
        assert codes[("account", "comparison", "sectorP50")] == "INTERNAL_ONLY"
        assert body["data"]["account"]["comparison"]["insight"] is None
    message = next(e["message"] for e in body["errors"] if e["path"][-1] == "p50")
    assert "tickets" in message or "too few" in message
    methodology = body["data"]["pulseReport"]["methodology"]
    assert "(tickets) have no private release" in methodology
    # The privacy accountant's cap (twice the budget by default) is part of the guarantee.
    assert "revisions may together cost one account at most 2;" in methodology


async def test_internal_keys_get_the_exact_figures_and_no_such_note(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    body = await _ask(engine, http, Role.INTERNAL)
    codes = _codes(body)
    assert "INTERNAL_ONLY" not in codes.values()
    figures = {row["sector"]: row for row in body["data"]["sectorBenchmarks"]}
    assert figures["big"]["figureKind"] == "EXACT"
    assert figures["big"]["p50"] == 53.0
    assert "without declared bounds" not in body["data"]["pulseReport"]["methodology"]


async def test_the_pulse_names_a_metric_by_the_months_release_not_todays_bounds(
    engine: AsyncEngine, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    """Bounds declared after the month was published draw no release for it: the refusal reads
    the frozen release, and so must the pulse; and a metric that lost its bounds since keeps
    the release it had, so it is not named."""
    await load_text(
        engine,
        tmp_path,
        IngestKind.DEFINITIONS,
        "name,unit,aggregation,lower_bound,upper_bound\n"
        "tickets,count,sum,0,1000\ncsat,percent,mean,,\n",
    )
    body = await _ask(engine, http, Role.PUBLIC)
    rows = {row["sector"]: i for i, row in enumerate(body["data"]["sectorBenchmarks"])}
    assert _codes(body)[("sectorBenchmarks", rows["big"], "p50")] == "INTERNAL_ONLY"
    methodology = body["data"]["pulseReport"]["methodology"]
    assert "(tickets) have no private release" in methodology
    assert "csat" not in methodology
