"""The dashboard in a real browser, for keys that get private figures, over a month whose
metrics were published without bounds (INTERNAL_ONLY: no private release), and with a release
whose bounds are unknown (RELEASE_BOUNDS_UNKNOWN: figures, no percentile): each row says which,
in words, as a state of the page rather than an error line, and a metric whose bounds changed
after publication is placed as it was published."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from store.engine import create_engine
from store.ingest import IngestKind
from store.jobs.publish import publish_month
from store.keys import create_key
from store.migrate import migrate
from store.scope import Role
from store.tables import COHORT_TABLE
from tests.factories import Seed
from tests.server.pages.browsing import (
    foreign,
    need_browser,
    placed_as_the_api_says,
    requested_urls,
    script_errors,
    serving,
)
from tests.server.pages.test_dashboard import Server, _pick, _state, _use_key, _wait
from tests.store.ingest.support import load_text

TODAY = dt.date(2026, 12, 3)
NOVEMBER = dt.date(2026, 11, 1)
ACCOUNT = "media-1"


async def _fill(url: str, folder: Path) -> dict[str, str]:
    """Seven media accounts in November: reply_rate with bounds (narrowed after publication),
    tickets without (INTERNAL_ONLY), csat with bounds whose release then forgets them, as
    migration 0011 leaves a release it cannot tell the bounds of, and whose bounds are dropped."""
    engine = create_engine(url)
    try:
        await migrate(engine)
        seed = Seed()
        seed.definition("reply_rate", "percent", bounds=("0", "100"))
        seed.definition("tickets", "count")
        seed.definition("csat", "percent", bounds=("0", "100"))
        seed.industry("media", "Media")
        for n in range(7):
            account = f"media-{n}"
            seed.account(account, app="media", industry="media")
            for metric, value in (
                ("reply_rate", 40 + 3 * n),
                ("tickets", 10 + n),
                ("csat", 60 + n),
            ):
                seed.metric("account", account, metric, NOVEMBER.isoformat(), str(value))
        await seed.write(engine)
        await publish_month(engine, month=NOVEMBER, today=TODAY, min_cohort=5)
        keys = {}
        for role in (Role.INTERNAL, Role.ACCOUNT, Role.PUBLIC):
            _, keys[role.value] = await create_key(
                engine, role=role, account_id=ACCOUNT if role is Role.ACCOUNT else None
            )
        async with engine.begin() as connection:
            await connection.execute(
                update(COHORT_TABLE)
                .where(COHORT_TABLE.c.metric_name == "csat")
                .values(release_lower_bound=None, release_upper_bound=None)
            )
        await load_text(
            engine,
            folder,
            IngestKind.DEFINITIONS,
            "name,unit,lower_bound,upper_bound\nreply_rate,percent,45,50\ncsat,percent,,\n",
        )
        return keys
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_browser()
    folder = tmp_path_factory.mktemp("dashboard-release-bounds")
    keys = asyncio.run(_fill(f"sqlite+aiosqlite:///{folder / 'bounds.db'}", folder))
    with serving(f"sqlite+aiosqlite:///{folder / 'bounds.db'}", TODAY.isoformat()) as base_url:
        yield Server(base_url, keys)


def _position(browser: Any, metric: str) -> Any:
    return browser.find_element("css selector", f"#positions li[data-metric='{metric}']")


COMPARISONS = """{ account(accountId: "media-1") {
  rate: comparison(metric: "reply_rate", latestWithValue: true) {
    customerPercentile insight informative }
  csat: comparison(metric: "csat", latestWithValue: true) {
    customerPercentile benchmark { p50 } }
} }"""


def test_an_account_key_is_told_which_figures_it_gets_without_a_rank(
    browser: Any, server: Server
) -> None:
    answer = server.query("account", COMPARISONS)
    codes = {tuple(e["path"]): e["extensions"]["code"] for e in answer["errors"]}
    assert codes == {("account", "csat", "customerPercentile"): "RELEASE_BOUNDS_UNKNOWN"}
    _use_key(browser, server, "account")
    _wait(browser, lambda d: _state(d, "customer-view") == "ready")
    assert browser.find_element("id", "customer-view").get_attribute("data-account") == ACCOUNT

    tickets = _position(browser, "tickets")
    assert "internal-only" in tickets.get_attribute("class")
    assert "Internal keys only" in tickets.text
    assert "no bounds when" in tickets.text
    assert "Not enough peers" not in tickets.text

    csat = _position(browser, "csat")
    assert "refused" not in csat.get_attribute("class")
    median = csat.find_element("css selector", "line.median")
    assert (
        float(median.get_attribute("data-p50"))
        == answer["data"]["account"]["csat"]["benchmark"]["p50"]
    )
    assert csat.find_elements("css selector", ".percentile") == []
    assert "published before the server kept the bounds" in csat.text

    # Bounds narrowed after publication: placed as the month was published.
    rate = _position(browser, "reply_rate")
    placed_as_the_api_says(rate, answer["data"]["account"]["rate"])
    assert not browser.find_element("id", "error-line").is_displayed()
    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


def test_a_public_key_is_told_which_sectors_only_internal_keys_get(
    browser: Any, server: Server
) -> None:
    from selenium.webdriver.support.ui import Select

    _use_key(browser, server, "public")
    _wait(browser, lambda d: _state(d, "benchmarks-view") == "ready")
    Select(browser.find_element("id", "benchmark-metric")).select_by_value("tickets")
    _wait(
        browser,
        lambda d: (
            d.find_elements("css selector", "#benchmarks li.internal-only")
            and _state(d, "benchmarks-view") == "ready"
        ),
    )
    (row,) = browser.find_elements("css selector", "#benchmarks li[data-sector]")
    assert "Internal keys only" in row.text
    assert "Not enough peers" not in row.text
    assert not browser.find_element("id", "error-line").is_displayed()
    assert script_errors(browser) == []


def test_a_customer_view_of_an_internal_key_is_exact(browser: Any, server: Server) -> None:
    _use_key(browser, server, "internal")
    _pick(browser, ACCOUNT)
    for metric in ("tickets", "csat", "reply_rate"):
        item = _position(browser, metric)
        assert "refused" not in item.get_attribute("class")
        assert item.find_element("css selector", ".percentile").get_attribute("data-percentile")
    assert not browser.find_element("id", "error-line").is_displayed()
