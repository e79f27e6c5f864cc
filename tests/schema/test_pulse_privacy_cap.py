"""The pulse report's privacy sentence is a promise to every key that gets private figures: "a
month's revisions may together cost one account at most C". It must hold for the month it
describes, as its revisions were drawn (store/jobs/month_draws.py), not only for the cap the
server is configured with today: a month revised under a higher PROFILING_PRIVACY_MONTH_CAP
(the CLI's environment), or published before the accountant, or under a cap lowered since,
can have cost an account more."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.jobs.month_draws import month_privacy_loss
from store.jobs.publish import publish_month
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed

MARCH = dt.date(2023, 3, 1)
QUERY = '{ pulseReport(month: "2023-03-01") { methodology } }'
_STATED = re.compile(r"revisions may together cost one account at most ([0-9.e+-]+);")


async def _seed(engine: AsyncEngine, csat_of_first: int) -> None:
    seed = Seed()
    if csat_of_first == 50:
        seed.definition("csat", "percent", aggregation="mean", bounds=("0", "100"))
        seed.app("north")
        seed.industry("retail")
        for n in range(6):
            seed.account(f"r{n}", app="north", industry="retail")
    for n in range(6):
        value = csat_of_first if n == 0 else 50 + n
        seed.metric("account", f"r{n}", "csat", MARCH.isoformat(), str(value))
    await seed.write(engine)


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    today = dt.date.fromisoformat(TODAY)
    # Published, then revised twice with its cohort drawn again each time, under a cap of 3
    # (an operator's PROFILING_PRIVACY_MONTH_CAP=3 for those runs): each draw costs the
    # cohort's members the whole budget of 1.
    await _seed(engine, 50)
    await publish_month(engine, month=MARCH, today=today, min_cohort=5, month_cap=3.0)
    for value in (40, 30):
        await _seed(engine, value)
        await publish_month(
            engine, month=MARCH, today=today, min_cohort=5, revise=True, month_cap=3.0
        )
    # The server runs with the defaults: epsilon 1, cap 2.
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.APP])
async def test_the_pulse_never_states_a_cap_below_what_the_month_cost(
    engine: AsyncEngine, http: httpx.AsyncClient, role: Role
) -> None:
    async with engine.connect() as connection:
        spent = await month_privacy_loss(connection, MARCH, month_epsilon=1.0)
    assert spent == pytest.approx(3.0)
    _, key = await create_key(engine, role=role, app_id="north" if role is Role.APP else None)
    response = await http.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"}
    )
    methodology = response.json()["data"]["pulseReport"]["methodology"]
    stated = _STATED.search(methodology)
    assert stated is not None, methodology
    # On main: "at most 2" for a month that cost its accounts 3.
    assert float(stated.group(1)) >= spent, methodology


async def test_the_pulse_states_the_months_own_default_cap_not_one_raised_since(
    engine: AsyncEngine,
) -> None:
    """Published at epsilon 1 (default cap 2); the server now runs at epsilon 2 without a
    configured cap: publish would hold this month to 2 (twice its first budget), and so does
    the sentence, not 4."""
    await _seed(engine, 50)
    today = dt.date.fromisoformat(TODAY)
    await publish_month(engine, month=MARCH, today=today, min_cohort=5)
    settings = load_settings({"PROFILING_TODAY": TODAY, "PROFILING_PRIVACY_EPSILON": "2"})
    app = create_app(settings=settings, engine=engine)
    _, key = await create_key(engine, role=Role.PUBLIC)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        response = await client.post(
            "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"}
        )
    methodology = response.json()["data"]["pulseReport"]["methodology"]
    stated = _STATED.search(methodology)
    assert stated is not None, methodology
    assert float(stated.group(1)) == 2.0, methodology


_EPSILON = re.compile(r"privacy budget \(epsilon\) of (.+?) per month and industry")


async def _methodology(engine: AsyncEngine, epsilon: str) -> str:
    settings = load_settings({"PROFILING_TODAY": TODAY, "PROFILING_PRIVACY_EPSILON": epsilon})
    app = create_app(settings=settings, engine=engine)
    _, key = await create_key(engine, role=Role.PUBLIC)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        response = await client.post(
            "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"}
        )
    methodology: str = response.json()["data"]["pulseReport"]["methodology"]
    return methodology


async def test_the_pulse_states_the_epsilon_the_months_releases_were_drawn_with(
    engine: AsyncEngine,
) -> None:
    """Published at 0.5, revised at 1 with its cohort drawn again; the server now runs at 2:
    the sentence names the month's budgets, not today's setting."""
    await _seed(engine, 50)
    today = dt.date.fromisoformat(TODAY)
    await publish_month(engine, month=MARCH, today=today, min_cohort=5, privacy_epsilon=0.5)
    await _seed(engine, 40)
    await publish_month(
        engine,
        month=MARCH,
        today=today,
        min_cohort=5,
        revise=True,
        privacy_epsilon=1.0,
        month_cap=3.0,
    )
    methodology = await _methodology(engine, "2")
    stated = _EPSILON.search(methodology)
    assert stated is not None, methodology
    # On main: "of 2 per month and industry".
    assert stated.group(1) == "1 (0.5 for revision 1)", methodology


async def test_the_pulse_never_states_a_cost_for_a_month_of_unknown_epsilon(
    engine: AsyncEngine,
) -> None:
    """Revised before the accountant recorded what its revisions drew: until the operator
    declares revision 1's epsilon the sentence says its cost is not known (no bound that could
    be below it); once declared, it states it and a bound at least what the month cost."""
    from store.jobs.publish import declare_past_epsilon
    from tests.store.jobs.test_privacy_accountant_revisions import _forget_what_was_recorded

    await _seed(engine, 50)
    today = dt.date.fromisoformat(TODAY)
    await publish_month(
        engine, month=MARCH, today=today, min_cohort=5, privacy_epsilon=3.0, month_cap=6.0
    )
    await _seed(engine, 40)
    await publish_month(engine, month=MARCH, today=today, min_cohort=5, revise=True, month_cap=6.0)
    try:
        await _forget_what_was_recorded(engine)
        methodology = await _methodology(engine, "1")
        assert _STATED.search(methodology) is None, methodology
        assert "of 1 (not recorded for revision 1) per month and industry" in methodology
        assert "together cost one account is not known (revision 1 published before" in (
            methodology
        )
        await declare_past_epsilon(engine, month=MARCH, epsilon=3.0, privacy_epsilon=1.0)
        methodology = await _methodology(engine, "1")
        assert "of 1 (3 for revision 1) per month and industry" in methodology
        stated = _STATED.search(methodology)
        assert stated is not None, methodology
        assert float(stated.group(1)) >= 4.0, methodology
    finally:
        from tests.store.jobs.test_privacy_accountant_revisions import _migrate_to

        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
