"""Industry-level values follow the cohort rule on the industry's frozen cohorts: below 5
distinct accounts they are refused, identically for 0 and 4 accounts, without taking the rest of
the answer down."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs.publish import publish_month
from tests.api_client import TODAY, GraphQLClient
from tests.factories import Seed

SIZES = {"empty": 0, "four": 4, "five": 5, "many": 9}
APRIL = dt.date(2023, 4, 1)


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("reply_rate", "percent")
    for industry, size in SIZES.items():
        seed.industry(industry)
        for n in range(size):
            seed.account(f"{industry}-{n}", industry=industry)
            seed.metric("account", f"{industry}-{n}", "reply_rate", "2023-04-01", "40")
        # Every industry has an ingested industry-level value, even the refused ones.
        seed.metric("industry", industry, "reply_rate", "2023-04-01", f"{size}.5")
    await seed.write(engine)
    # The gate is the frozen cohort of the latest published month.
    await publish_month(engine, month=APRIL, today=dt.date.fromisoformat(TODAY), min_cohort=5)


QUERY = """{ industries { industryId metrics(names: ["reply_rate"]) { value formattedValue } } }"""


async def test_small_industries_are_refused_and_large_ones_answer(
    client: GraphQLClient, seeded: None
) -> None:
    body = await client.post(QUERY)
    industries = {i["industryId"]: i["metrics"] for i in body["data"]["industries"]}
    assert industries["five"] == [{"value": "5.5", "formattedValue": "5.5%"}]
    assert industries["many"] == [{"value": "9.5", "formattedValue": "9.5%"}]
    assert industries["empty"] == []
    assert industries["four"] == []
    errors = sorted(body["errors"], key=lambda e: e["path"])
    assert [e["path"] for e in errors] == [
        ["industries", 0, "metrics"],  # empty (industries are ordered by id: empty, five,
        ["industries", 2, "metrics"],  # four, many)
    ]
    assert {e["extensions"]["code"] for e in errors} == {"COHORT_TOO_SMALL"}


async def test_refusal_is_identical_for_0_and_4_accounts(
    client: GraphQLClient, seeded: None
) -> None:
    answers = []
    for industry in ("empty", "four"):
        body = await client.post(
            f'{{ industry(industryId: "{industry}") {{ metrics {{ value }} }} }}'
        )
        (error,) = body["errors"]
        answers.append((body["data"], error["message"], error["extensions"], error["path"]))
    assert answers[0] == answers[1]
    assert answers[0][0] == {"industry": {"metrics": []}}


async def test_raising_the_minimum_refuses_more(engine: AsyncEngine, seeded: None) -> None:
    import httpx

    from server.app import create_app
    from settings import load_settings

    app = create_app(
        require_keys=False,
        settings=load_settings({"PROFILING_MIN_COHORT": "6", "PROFILING_TODAY": "2023-05-17"}),
        engine=engine,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        body = (await http.post("/graphql", json={"query": QUERY})).json()
    refused = {e["path"][1] for e in body["errors"]}
    assert refused == {0, 1, 2}  # empty, five, four: "five" is now too small too
