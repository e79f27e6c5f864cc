"""One customer, one set of figures: internal, app and account keys asking the same
`creditRisk` and `salesProfile` fields of the same account get the same figures wherever they
measure the same day, and each answer says which day it measured and why (`asOfRule`,
`recencyAsOfRule`). The default day differs by key only where the privacy rule says so (an
account key never learns its app's latest ledger date or sale, another customer's); staff
asking `creditRisk(asOf:)` with the customer's `asOf` see exactly what the customer sees.
On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.ingest import IngestKind, ingest_file
from store.keys import create_key
from store.scope import Role
from store.tables import LEDGER_PERIOD_TABLE
from tests.server.test_credit_risk_for_account_keys import TRIAL_DAYBOOK

TODAY = "2026-12-06"
ACCOUNT = "Kaveri Traders"
_MEASURES = (
    "score segment daysSalesOutstanding overdueShare averageDaysLate invoiced outstanding "
    "asOf asOfRule"
)
_PROFILE = "firstPurchase lastPurchase isRecent daysSinceLastPurchase recencyAsOf recencyAsOfRule"
DEFAULT = f"""query ($id: String!) {{ account(accountId: $id) {{
  creditRisk {{ {_MEASURES} }}
  salesProfile {{ {_PROFILE} }}
}} }}"""
AS_OF = f"""query ($id: String!, $day: Date) {{ account(accountId: $id) {{
  creditRisk(asOf: $day) {{ {_MEASURES} }}
}} }}"""


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _ask(
    http: httpx.AsyncClient, key: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    account: dict[str, Any] = body["data"]["account"]
    return account


async def _keys(engine: AsyncEngine) -> dict[str, str]:
    return {
        "internal": (await create_key(engine, role=Role.INTERNAL))[1],
        "app": (await create_key(engine, role=Role.APP, app_id="kaveri"))[1],
        "account": (await create_key(engine, role=Role.ACCOUNT, account_id=ACCOUNT))[1],
    }


def _without_rule(risk: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in risk.items() if name != "asOfRule"}


@pytest.mark.parametrize(
    ("periods", "customer_day", "customer_rule"),
    [
        # The Day Book's title states its period: the customer's risk is as of its end.
        (True, "2025-09-30", "LEDGER_PERIOD_END"),
        # No period kept (loaded before periods were, or an untitled export): today.
        (False, TODAY, "TODAY"),
    ],
)
async def test_every_key_gets_the_same_figures_of_the_same_day(
    engine: AsyncEngine,
    http: httpx.AsyncClient,
    periods: bool,
    customer_day: str,
    customer_rule: str,
) -> None:
    for kind in (IngestKind.LEDGER, IngestKind.SALES):
        await ingest_file(engine, kind=kind, path=TRIAL_DAYBOOK, app="kaveri")
    if not periods:
        async with engine.begin() as connection:
            await connection.execute(delete(LEDGER_PERIOD_TABLE))
    keys = await _keys(engine)
    variables = {"id": ACCOUNT}
    seen = {who: await _ask(http, key, DEFAULT, variables) for who, key in keys.items()}

    # The app and internal keys own the app: the same answer, measured on its latest dates.
    assert seen["app"] == seen["internal"]
    staff = seen["internal"]
    assert (staff["creditRisk"]["asOf"], staff["creditRisk"]["asOfRule"]) == (
        "2025-09-19",
        "LATEST_LEDGER_DATE",
    )
    customer = seen["account"]
    assert (customer["creditRisk"]["asOf"], customer["creditRisk"]["asOfRule"]) == (
        customer_day,
        customer_rule,
    )

    # Staff asking the customer's day see exactly the customer's figures, and so does the
    # customer asking the staff's day.
    for who in ("internal", "app"):
        theirs = await _ask(http, keys[who], AS_OF, {**variables, "day": customer_day})
        assert _without_rule(theirs["creditRisk"]) == _without_rule(customer["creditRisk"])
        assert theirs["creditRisk"]["asOfRule"] == "ASKED"
    mine = await _ask(http, keys["account"], AS_OF, {**variables, "day": "2025-09-19"})
    assert _without_rule(mine["creditRisk"]) == _without_rule(staff["creditRisk"])
    assert mine["creditRisk"]["asOfRule"] == "ASKED"
    # Every day up to the customer's: the same figures whoever asks.
    for day in ("2025-04-10", "2025-07-04", "2025-08-15"):
        answers = [
            _without_rule((await _ask(http, key, AS_OF, {**variables, "day": day}))["creditRisk"])
            for key in keys.values()
        ]
        assert answers[0]["asOf"] == day
        assert answers[1:] == answers[:-1], day

    # The sales profile: the same purchases; the days since the last one count to the day
    # its answer names, which only the privacy rule makes differ.
    profiles = {who: answer["salesProfile"] for who, answer in seen.items()}
    assert profiles["app"] == profiles["internal"]
    for who, profile in profiles.items():
        assert (profile["firstPurchase"], profile["lastPurchase"]) == ("2025-04-01", "2025-07-04")
        counted_to = dt.date.fromisoformat(profile["recencyAsOf"])
        last = dt.date.fromisoformat(profile["lastPurchase"])
        assert (counted_to - last).days == profile["daysSinceLastPurchase"], who
    assert (profiles["internal"]["recencyAsOf"], profiles["internal"]["recencyAsOfRule"]) == (
        "2025-09-19",
        "LATEST_SALE",
    )
    assert (profiles["account"]["recencyAsOf"], profiles["account"]["recencyAsOfRule"]) == (
        TODAY,
        "TODAY",
    )


async def test_staff_never_measure_past_today(engine: AsyncEngine, http: httpx.AsyncClient) -> None:
    """A day after today is today: nothing is known of it, not even that nothing was paid."""
    await ingest_file(engine, kind=IngestKind.LEDGER, path=TRIAL_DAYBOOK, app="kaveri")
    keys = await _keys(engine)
    variables = {"id": ACCOUNT, "day": "2030-01-01"}
    later = await _ask(http, keys["internal"], AS_OF, variables)
    today = await _ask(http, keys["internal"], AS_OF, {**variables, "day": TODAY})
    assert later == today
    assert (today["creditRisk"]["asOf"], today["creditRisk"]["asOfRule"]) == (TODAY, "ASKED")


# Aliases per query: the server refuses more (and more than 2,000 tokens).
_DAYS_PER_QUERY = 15


def _every_fifth_day(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range(0, (last - first).days + 1, 5)]


@pytest.mark.parametrize("periods", [True, False], ids=["period", "no-period"])
async def test_every_day_any_key_may_ask_gives_the_same_figures(
    engine: AsyncEngine, http: httpx.AsyncClient, periods: bool
) -> None:
    """Every fifth day from before the first entry to after today, asked by each key in one
    query: the app and internal keys agree on every day, and the account key agrees with them
    on every day up to its own default day (after it, it gets that day: it never learns more)."""
    await ingest_file(engine, kind=IngestKind.LEDGER, path=TRIAL_DAYBOOK, app="kaveri")
    if not periods:
        async with engine.begin() as connection:
            await connection.execute(delete(LEDGER_PERIOD_TABLE))
    keys = await _keys(engine)
    days = _every_fifth_day(dt.date(2025, 3, 1), dt.date(2027, 1, 31))
    answers: dict[str, dict[str, Any]] = {who: {} for who in keys}
    for chunk in range(0, len(days), _DAYS_PER_QUERY):
        fields = "\n".join(
            f'  d{day:%Y%m%d}: creditRisk(asOf: "{day}") {{ {_MEASURES} }}'
            for day in days[chunk : chunk + _DAYS_PER_QUERY]
        )
        query = f"query ($id: String!) {{ account(accountId: $id) {{\n{fields}\n}} }}"
        for who, key in keys.items():
            answers[who].update(await _ask(http, key, query, {"id": ACCOUNT}))
    assert answers["app"] == answers["internal"]
    own_day = dt.date(2025, 9, 30) if periods else dt.date.fromisoformat(TODAY)
    own_default = (await _ask(http, keys["account"], DEFAULT, {"id": ACCOUNT}))["creditRisk"]
    for day in days:
        staff, customer = (
            answers["internal"][f"d{day:%Y%m%d}"],
            answers["account"][f"d{day:%Y%m%d}"],
        )
        if day <= own_day:
            assert (staff is None) == (customer is None), day
            if staff is not None:
                assert _without_rule(staff) == _without_rule(customer), day
        else:
            assert customer == own_default, day
