"""The dashboard in a real browser over months published with some metrics only, and quarters
without segments: each metric's sector position is drawn in the latest published month with
the customer's value (and says which month), still from at most two GraphQL requests; the
refusal only where no month can be compared; and the quarter view says in words why a quarter
counts no account (no sales in it, or sales not segmented yet)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from store.engine import create_engine
from store.jobs.publish import publish_month
from store.keys import create_key
from store.migrate import migrate
from store.scope import Role
from store.tables import SALE_LINE_TABLE
from store.upsert import upsert
from tests.factories import Seed
from tests.schema.segmentation_support import load, sale
from tests.server.pages.browsing import (
    foreign,
    need_browser,
    placed_as_the_api_says,
    requested_urls,
    screenshot,
    script_errors,
    serving,
)
from tests.server.pages.test_dashboard import Server, _pick, _state, _use_key, _wait

TODAY = dt.date(2026, 12, 3)
SEPTEMBER, OCTOBER, NOVEMBER = "2026-09-01", "2026-10-01", "2026-11-01"
APP = "months"
ACCOUNT = "media-2"
PEERS = 6


async def _fill(url: str) -> dict[str, str]:
    """Six media accounts: reply_rate in September and October, response_time in September
    and November, tickets in November only. September is published with both metrics,
    October with reply_rate only (nobody had a response_time then), November not at all.
    Their sales: 2026-Q1 and Q4 segmented, none in Q2, and a Q3 sale the segment job has not
    seen."""
    engine = create_engine(url)
    try:
        await migrate(engine)
        seed = Seed()
        seed.definition("reply_rate", "percent", bounds=("0", "100"))
        seed.definition("response_time", "minutes", higher_is_better=False, bounds=("0", "600"))
        seed.definition("tickets", "count", bounds=("0", "1000"))
        seed.industry("media", "Media")
        sales: list[Any] = []
        for n in range(PEERS):
            account = f"media-{n}"
            seed.account(account, app=APP, industry="media")
            for month in (SEPTEMBER, OCTOBER):
                seed.metric("account", account, "reply_rate", month, str(40 + 3 * n))
            for month in (SEPTEMBER, NOVEMBER):
                seed.metric("account", account, "response_time", month, str(90 - 7 * n))
            seed.metric("account", account, "tickets", NOVEMBER, str(10 + n))
            for day, invoice in ((dt.date(2026, 2, 2 + n), "q1"), (dt.date(2026, 11, 2 + n), "q4")):
                sales.append(sale(account, day, 100 * (n + 1), f"{account}-{invoice}"))
        await load(engine, seed, sales, [])
        async with engine.begin() as connection:
            await upsert(
                connection, SALE_LINE_TABLE, [sale(ACCOUNT, dt.date(2026, 8, 3), 40, "q3")]
            )
        for month in (SEPTEMBER, OCTOBER):
            await publish_month(
                engine, month=dt.date.fromisoformat(month), today=TODAY, min_cohort=5
            )
        _, internal = await create_key(engine, role=Role.INTERNAL, name="dashboard months")
        return {"internal": internal}
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_browser()
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('dashboard-months') / 'months.db'}"
    keys = asyncio.run(_fill(url))
    with serving(url, TODAY.isoformat()) as base_url:
        yield Server(base_url, keys)


POSITIONS = """query ($id: String!, $month: Date!, $earlier: Date!) {
  account(accountId: $id) {
    rate: comparison(metric: "reply_rate", latestWithValue: true) {
      effectiveDate customerPercentile insight informative }
    time: comparison(metric: "response_time", latestWithValue: true) {
      effectiveDate customerPercentile insight informative }
    tickets: comparison(metric: "tickets", latestWithValue: true) { effectiveDate }
  }
  rateBenchmark: sectorBenchmarks(metric: "reply_rate", sectors: ["media"], effectiveDate: $month) {
    publishable p25 p50 p90 }
  timeBenchmark: sectorBenchmarks(metric: "response_time", sectors: ["media"],
                                  effectiveDate: $earlier) { publishable p25 p50 p90 }
}"""


def _position(browser: Any, metric: str) -> Any:
    return browser.find_element("css selector", f"#positions li[data-metric='{metric}']")


def test_each_metric_is_placed_in_its_latest_month_with_a_value(
    browser: Any, server: Server
) -> None:
    _use_key(browser, server, "internal")
    requests = _pick(browser, ACCOUNT)
    assert 1 <= len(requests) <= 2
    answer = server.query(
        "internal", POSITIONS, {"id": ACCOUNT, "month": OCTOBER, "earlier": SEPTEMBER}
    )
    assert "errors" not in answer, answer
    data = answer["data"]
    # October was published with reply_rate only; November, the month of the customer's
    # latest response_time, is not published: response_time is compared in September.
    assert data["account"]["rate"]["effectiveDate"] == OCTOBER
    assert data["account"]["time"]["effectiveDate"] == SEPTEMBER
    assert data["account"]["tickets"] is None
    # Both placed: no "Fewer than 5 accounts" for a metric the latest month was published
    # without.
    for metric in ("reply_rate", "response_time"):
        assert "Not enough peers" not in _position(browser, metric).text
    for metric, alias, month, label in (
        ("reply_rate", "rate", OCTOBER, "Oct 2026"),
        ("response_time", "time", SEPTEMBER, "Sep 2026"),
    ):
        item = _position(browser, metric)
        assert "refused" not in item.get_attribute("class")
        assert item.get_attribute("data-month") == month
        assert item.find_element("css selector", ".position-month").text == label
        benchmark = data[f"{alias}Benchmark"][0]
        band = item.find_element("css selector", "rect.band")
        assert float(band.get_attribute("data-p25")) == benchmark["p25"]
        assert float(band.get_attribute("data-p90")) == benchmark["p90"]
        median = item.find_element("css selector", "line.median")
        assert float(median.get_attribute("data-p50")) == benchmark["p50"]
        assert placed_as_the_api_says(item, data["account"][alias]) == "ranked"
    # No published month has the customer's tickets: the only refusal, in the latest month.
    tickets = _position(browser, "tickets")
    assert "refused" in tickets.get_attribute("class")
    assert "Not enough peers to compare" in tickets.text
    # Its values are all of a month after the latest published one: said so, with the month.
    assert (
        "No value of this customer in a published month: its values begin in Nov 2026, "
        "which is not published yet."
    ) in tickets.text
    assert tickets.get_attribute("data-month") == OCTOBER
    caption = browser.find_element("css selector", "#positions h3").text
    assert "each metric in the latest published month with this customer's value" in caption
    assert not browser.find_element("id", "error-line").is_displayed()
    screenshot(browser, "dashboard-months.png", full_page=True)
    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


def _open_quarter(browser: Any, server: Server, quarter: str) -> Any:
    from selenium.webdriver.support.ui import Select

    _use_key(browser, server, "internal")
    _wait(browser, lambda d: d.find_element("id", "app-select").get_attribute("data-loaded"))
    Select(browser.find_element("id", "app-select")).select_by_value(APP)
    browser.find_element("id", "tab-quarter").click()
    view = browser.find_element("id", "quarter-view")
    _wait(browser, lambda d: _state(d, "quarter-view") == "ready")
    Select(browser.find_element("id", "quarter-select")).select_by_value(quarter)
    _wait(
        browser,
        lambda d: (
            _state(d, "quarter-view") == "ready" and view.get_attribute("data-quarter") == quarter
        ),
    )
    return view


STATUS = """query ($quarter: String!) {
  segmentation(app: "months", quarter: $quarter) { status monetary { accounts } } }"""


@pytest.mark.parametrize(
    ("quarter", "status", "words"),
    [
        ("2026-Q2", "NO_SALES", "No sales of months in 2026-Q2: no account to segment."),
        (
            "2026-Q3",
            "NOT_SEGMENTED",
            "Sales of months in 2026-Q3 are loaded but not segmented yet",
        ),
    ],
)
def test_the_quarter_view_says_why_a_quarter_counts_nobody(
    browser: Any, server: Server, quarter: str, status: str, words: str
) -> None:
    answer = server.query("internal", STATUS, {"quarter": quarter})["data"]["segmentation"]
    assert (answer["status"], answer["monetary"]["accounts"]) == (status, 0)
    view = _open_quarter(browser, server, quarter)
    assert view.get_attribute("data-status") == status
    note = browser.find_element("id", "quarter-status")
    assert note.get_attribute("data-status") == status
    assert words in note.text
    assert not browser.find_element("id", "error-line").is_displayed()
    screenshot(browser, f"dashboard-quarter-{status.lower()}.png", full_page=True)
    assert script_errors(browser) == []


def test_a_segmented_quarter_has_no_status_note(browser: Any, server: Server) -> None:
    view = _open_quarter(browser, server, "2026-Q1")
    assert view.get_attribute("data-status") == "SEGMENTED"
    assert browser.find_elements("id", "quarter-status") == []
    assert script_errors(browser) == []
