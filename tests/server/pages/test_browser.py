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

    # No key yet: the server refuses the query, and the page shows why.
    _run_query(browser, "{ metricDefinitions { name unit } }")
    wait.until(lambda driver: "UNAUTHENTICATED" in _editor(driver, ".result-window"))

    field = browser.find_element("id", "api-key")
    field.send_keys(server.key, Keys.ENTER)
    wait.until(lambda driver: "A key is set" in driver.find_element("id", "api-key-status").text)
    assert browser.execute_script("return Object.values(sessionStorage)") == [server.key]
    stored = browser.execute_script("return JSON.stringify(localStorage) + document.cookie")
    assert server.key not in stored
    assert field.get_attribute("value") == ""

    _run_query(browser, "{ metricDefinitions { name unit } }")
    wait.until(lambda driver: "minutes_saved" in _editor(driver, ".result-window"))
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
