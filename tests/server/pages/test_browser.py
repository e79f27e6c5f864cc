"""GraphiQL in a real browser that can reach nothing but our server.

Debian's Chromium, driven by Selenium through chromium-driver, headless, with every host name
resolving to nothing but 127.0.0.1 and a proxy that does not exist for everything else: the
page must load, take an API key, run a query and show the answer, and the browser's own
network log must show no request to another host. Screenshots go to test-artifacts/browser/.

Without Chromium the tests skip, unless PROFILING_REQUIRE_BROWSER=1 (set by .ci/run, which
installs it): then they fail."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from server.app import create_app
from settings import load_settings
from store.engine import create_engine
from store.keys import create_key
from store.migrate import migrate
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
REQUIRE_BROWSER = os.environ.get("PROFILING_REQUIRE_BROWSER") == "1"
CHROMIUM = next(
    (path for path in ("/usr/lib/chromium/chromium", shutil.which("chromium")) if path), None
)
CHROMEDRIVER = shutil.which("chromedriver")
WAIT = 30  # seconds: generous for a loaded CI machine; a pass takes a few


def _need_browser() -> None:
    missing = [
        name
        for name, found in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER))
        if not found or not Path(found).exists()
    ]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[dev]')")
    if missing:
        reason = (
            f"browser tests need {', '.join(missing)}: apt-get install -y chromium chromium-driver"
        )
        if REQUIRE_BROWSER:
            pytest.fail(f"PROFILING_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


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
    """uvicorn on a free loopback port in a thread, keys required, over a fresh database."""
    _need_browser()
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}"
    key = asyncio.run(_prepare(url))
    settings = load_settings({"DATABASE_URL": url, "PROFILING_TODAY": TODAY})
    app = create_app(settings=settings, require_keys=True)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app, lifespan="on", log_config=None, access_log=False, ws="none", loop="asyncio"
    )
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [listener]})
    thread.start()
    try:
        for _ in range(WAIT * 20):
            if uvicorn_server.started or not thread.is_alive():
                break
            threading.Event().wait(0.05)
        assert uvicorn_server.started, "the server did not start"
        yield Server(f"http://127.0.0.1:{port}", key)
    finally:
        uvicorn_server.should_exit = True
        thread.join(WAIT)
        listener.close()


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        # The network, cut off: no name resolves but 127.0.0.1, and anything that is not
        # loopback would go through a proxy that is not there.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def _requested_urls(driver: Any) -> set[str]:
    """Every URL the page asked for (DevTools' network events, failed requests included) and
    every resource it loaded (Resource Timing)."""
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    urls.update(
        driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
            ".concat(performance.getEntriesByType('navigation').map(e => e.name));"
        )
    )
    return urls


def _foreign(urls: set[str], server: Server) -> list[str]:
    return sorted(
        url
        for url in urls
        if not url.startswith(f"{server.url}/") and not url.startswith(("data:", "blob:"))
    )


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


def _screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


def _script_errors(driver: Any) -> list[str]:
    """Console errors, but the 401 our own test provokes on purpose."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and "status of 401" not in entry["message"]
    ]


def test_graphiql_runs_a_query_with_an_api_key_offline(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    browser.get(f"{server.url}/graphql")
    wait.until(lambda driver: "query AccountMetrics" in _editor(driver, ".graphiql-query-editor"))
    assert browser.title == "Customer Profiling GraphQL"
    assert "formattedValue" in _editor(browser, ".graphiql-query-editor")
    _screenshot(browser, "graphiql-example-query.png")

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
    _screenshot(browser, "graphiql-result.png")

    assert _foreign(_requested_urls(browser), server) == []
    assert _script_errors(browser) == []


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
    _screenshot(browser, "landing.png")
    assert _foreign(_requested_urls(browser), server) == []
    assert _script_errors(browser) == []
