"""How far an app's sales are known, over HTTP on both stores: a sales file whose title states
its period (`1-Apr-24 to 30-Jun-24`) covers the whole of it, though its last sale was on 3 June,
so 2024-Q2 is whole, not "so far" (SalesProfile.salesKnownTo, which the dashboard and the ROI
deck read). Without a title it is the app's latest sale, as recencyAsOf; a period still under
way is known up to today only; an account key is told today, as before."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.ingest import IngestKind, ingest_file
from store.keys import create_key
from store.scope import Role
from tests.server.pages.test_dashboard_accounting_only import APP, CUSTOMER, DAY_BOOK

PROFILE = """query ($id: String!) { account(accountId: $id) {
  salesProfile { lastPurchase recencyAsOf salesKnownTo quarters { quarter } }
} }"""
# The Day Book without its title's period line: the same sales, no period stated.
UNTITLED = DAY_BOOK.replace("1-Apr-24 to 30-Jun-24\n", "")

Ask = Callable[..., Any]


@pytest.fixture
async def ask(engine: AsyncEngine) -> AsyncIterator[Callable[[str, str], Any]]:
    clients: list[httpx.AsyncClient] = []

    async def asking(today: str, key: str) -> dict[str, Any]:
        app = create_app(settings=load_settings({"PROFILING_TODAY": today}), engine=engine)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        clients.append(client)
        response = await client.post(
            "/graphql",
            json={"query": PROFILE, "variables": {"id": CUSTOMER}},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        profile: dict[str, Any] = body["data"]["account"]["salesProfile"]
        return profile

    yield asking
    for client in clients:
        await client.aclose()


async def _load(
    engine: AsyncEngine, folder: Path, text: str, *, loaded_on: dt.date | None = None
) -> None:
    path = folder / "day_book.csv"
    path.write_text(text, encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app=APP, loaded_on=loaded_on)


async def test_a_titled_period_makes_its_quarter_whole(
    engine: AsyncEngine, tmp_path: Path, ask: Ask
) -> None:
    await _load(engine, tmp_path, DAY_BOOK)
    app_key = (await create_key(engine, role=Role.APP, app_id=APP))[1]
    internal = (await create_key(engine, role=Role.INTERNAL))[1]
    for key in (app_key, internal):
        profile = await ask("2024-07-15", key)
        # The app's latest sale (Mehta & Sons, 3 June) is where recency counts to; its sales
        # are known to the end of the Day Book's period.
        assert (profile["recencyAsOf"], profile["salesKnownTo"]) == ("2024-06-03", "2024-06-30")
        assert [q["quarter"] for q in profile["quarters"]] == ["2024-Q2"]
    # Asked on 20 June, the period is still under way: known up to today only.
    assert (await ask("2024-06-20", app_key))["salesKnownTo"] == "2024-06-20"
    # An account key is told today (no date of another customer's), as recencyAsOf.
    own = (await create_key(engine, role=Role.ACCOUNT, account_id=CUSTOMER))[1]
    profile = await ask("2024-07-15", own)
    assert profile["salesKnownTo"] == profile["recencyAsOf"] == "2024-07-15"


async def test_without_a_title_sales_are_known_to_the_latest_sale(
    engine: AsyncEngine, tmp_path: Path, ask: Ask
) -> None:
    await _load(engine, tmp_path, UNTITLED)
    app_key = (await create_key(engine, role=Role.APP, app_id=APP))[1]
    profile = await ask("2024-07-15", app_key)
    assert profile["salesKnownTo"] == profile["recencyAsOf"] == "2024-06-03"
    # The titled file loaded after: the period it states counts, once, loaded twice.
    await _load(engine, tmp_path, DAY_BOOK)
    await _load(engine, tmp_path, DAY_BOOK)
    assert (await ask("2024-07-15", app_key))["salesKnownTo"] == "2024-06-30"


async def test_a_period_loaded_before_its_end_is_known_to_the_day_of_the_load(
    engine: AsyncEngine, tmp_path: Path, ask: Ask
) -> None:
    """The April-June Day Book exported and loaded on 15 June holds no sale of 16-30 June:
    asked on 1 July, 2024-Q2 is known to 15 June only ("so far"), not whole. The same period
    loaded again after its end covers the whole quarter."""
    await _load(engine, tmp_path, DAY_BOOK, loaded_on=dt.date(2024, 6, 15))
    app_key = (await create_key(engine, role=Role.APP, app_id=APP))[1]
    assert (await ask("2024-07-01", app_key))["salesKnownTo"] == "2024-06-15"
    await _load(engine, tmp_path, DAY_BOOK, loaded_on=dt.date(2024, 7, 2))
    assert (await ask("2024-07-15", app_key))["salesKnownTo"] == "2024-06-30"
