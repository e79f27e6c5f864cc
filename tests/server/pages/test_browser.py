"""GraphiQL in a real browser that can reach nothing but our server.

Debian's Chromium, driven by Selenium through chromium-driver, headless, with every host name
resolving to nothing but 127.0.0.1 and a proxy that does not exist for everything else
(browsing.py): the page must load, take an API key, run a query and show the answer, and the
browser's own network log must show no request to another host. Screenshots go to
test-artifacts/browser/."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from store.engine import create_engine
from store.keys import create_key
from store.migrate import migrate
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed
from tests.server.pages.browsing import (
    WAIT,
    foreign,
    need_browser,
    network_requests,
    requested_urls,
    screenshot,
    script_errors,
    serving,
)


@dataclass
class Server:
    url: str
    key: str


async def _prepare(url: str) -> str:
    engine = create_engine(url)
    await migrate(engine)
    seed = Seed()
    seed.definition("minutes_saved", "minutes")
    seed.definition("revenue", "EUR")
    await seed.write(engine)
    _, key = await create_key(engine, role=Role.INTERNAL, name="browser test")
    await engine.dispose()
    return key


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """uvicorn on a free loopback port, keys required, over a fresh database."""
    need_browser()
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}"
    key = asyncio.run(_prepare(url))
    with serving(url, TODAY) as base_url:
        yield Server(base_url, key)


def _editor(driver: Any, pane: str) -> str:
    value: str = driver.execute_script(
        f"const e = document.querySelector('{pane} .CodeMirror');"
        " return e ? e.CodeMirror.getValue() : '';"
    )
    return value


def _run_query(driver: Any, query: str) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    def run(driver: Any) -> bool:
        # GraphiQL re-renders when it (re)loads the schema: try again on a replaced element.
        try:
            driver.execute_script(
                "document.querySelector('.graphiql-query-editor .CodeMirror')"
                ".CodeMirror.setValue(arguments[0]);",
                query,
            )
            driver.find_element("css selector", ".graphiql-execute-button").click()
        except StaleElementReferenceException:
            return False
        return True

    WebDriverWait(driver, WAIT).until(run)


def test_graphiql_runs_a_query_with_an_api_key_offline(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    browser.get(f"{server.url}/graphql")
    wait.until(lambda driver: "query AccountMetrics" in _editor(driver, ".graphiql-query-editor"))
    assert browser.title == "Customer Profiling GraphQL"
    assert "formattedValue" in _editor(browser, ".graphiql-query-editor")
    screenshot(browser, "graphiql-example-query.png")

    # No key yet: the page asks for one, in the result pane, and sends nothing to the server
    # (not even the schema's introspection, whose 401 would otherwise fill the pane).
    wait.until(lambda driver: "Set an API key first" in _editor(driver, ".result-window"))
    assert (
        "No key set: set one to send queries." in browser.find_element("id", "api-key-status").text
    )
    _run_query(browser, "{ metricDefinitions { name unit } }")
    wait.until(lambda driver: "Set an API key first" in _editor(driver, ".result-window"))
    assert "UNAUTHENTICATED" not in _editor(browser, ".result-window")
    assert [request for request in network_requests(browser) if request["method"] == "POST"] == []

    field = browser.find_element("id", "api-key")
    field.send_keys(server.key, Keys.ENTER)
    wait.until(lambda driver: "A key is set" in driver.find_element("id", "api-key-status").text)
    assert browser.execute_script("return Object.values(sessionStorage)") == [server.key]
    stored = browser.execute_script("return JSON.stringify(localStorage) + document.cookie")
    assert server.key not in stored
    assert field.get_attribute("value") == ""

    _run_query(browser, "{ metricDefinitions { name unit } }")
    wait.until(lambda driver: "minutes_saved" in _editor(driver, ".result-window"))
    sent = [request for request in network_requests(browser) if request["method"] == "POST"]
    assert sent
    assert all(
        {name.lower(): value for name, value in request["headers"].items()}.get("authorization")
        == f"Bearer {server.key}"
        for request in sent
    )
    answer = json.loads(_editor(browser, ".result-window"))
    assert answer == {
        "data": {
            "metricDefinitions": [
                {"name": "minutes_saved", "unit": "minutes"},
                {"name": "revenue", "unit": "EUR"},
            ]
        }
    }
    # The schema loaded with the key: the docs panel knows the root type's fields.
    browser.find_element("css selector", "[aria-label='Show Documentation Explorer']").click()
    wait.until(lambda driver: "metricDefinitions" in driver.page_source)
    screenshot(browser, "graphiql-result.png")

    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


def test_landing_page_offline(browser: Any, server: Server) -> None:
    browser.get(f"{server.url}/")
    assert browser.title == "Customer Profiling GraphQL"
    links = {
        element.get_attribute("href")
        for element in browser.find_elements("css selector", "a[href]")
    }
    assert {
        f"{server.url}/graphql",
        f"{server.url}/dashboard",
        f"{server.url}/healthz",
        f"{server.url}/graphql/schema.graphql",
    } <= links
    screenshot(browser, "landing.png")
    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """As `server`, but run as `serve --no-auth` runs it: no key needed."""
    need_browser()
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('open') / 'open.db'}"
    asyncio.run(_prepare(url))
    with serving(url, TODAY, require_keys=False) as base_url:
        yield base_url


def test_graphiql_queries_without_a_key_a_server_that_needs_none(
    browser: Any, open_server: str
) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    browser.get(f"{open_server}/graphql")
    wait.until(lambda driver: "query AccountMetrics" in _editor(driver, ".graphiql-query-editor"))
    assert (
        browser.find_element("id", "api-key-status").text == "No key set: this server needs none."
    )
    # The schema loads without a key: the docs panel shows its types.
    browser.find_element("css selector", "[aria-label='Show Documentation Explorer']").click()
    wait.until(lambda driver: "CustomerComparison" in driver.page_source)
    # Closed again: beside it, the result pane of this narrow window has no room.
    browser.find_element("css selector", "[aria-label='Hide Documentation Explorer']").click()

    def answered(driver: Any) -> bool:
        # A click while GraphiQL re-renders (the schema arriving) can be lost: click again.
        _run_query(driver, "{ metricDefinitions { name } }")
        quick = WebDriverWait(driver, 2, poll_frequency=0.1)
        try:
            quick.until(lambda d: "minutes_saved" in _editor(d, ".result-window"))
        except TimeoutException:
            return False
        return True

    wait.until(answered)
    assert "Set an API key" not in _editor(browser, ".result-window")
    assert script_errors(browser) == []


def test_the_dashboard_asks_without_a_key_a_server_that_needs_none(
    browser: Any, open_server: str
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{open_server}/dashboard")
    browser.execute_script("sessionStorage.clear()")
    browser.get(f"{open_server}/dashboard")
    # This database has no account: the keyless start's answer (every app, none with an
    # account, as an internal key sees it) shows the sector benchmarks.
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element("id", "benchmarks-view").is_displayed()
    )
    sent = [r for r in network_requests(browser) if r["url"].endswith("/graphql")]
    assert sent
    assert not [r for r in sent if "Authorization" in r["headers"]], sent
    assert browser.find_element("id", "api-key-status").text == (
        "No key set: requests are sent without one."
    )
    assert browser.find_element("id", "api-key").get_attribute("placeholder") == (
        "optional: paste a key"
    )
    # (No month is published here: the benchmarks may say so, never that a key is missing.)
    assert "UNAUTHENTICATED" not in browser.find_element("id", "error-line").text
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []
