"""What the browser tests share: a real uvicorn on a free loopback port, Debian's Chromium
driven by Selenium with the network cut off, and what they read from the browser (the URLs it
requested, its console errors, screenshots in test-artifacts/browser/).

Without Chromium the tests skip, unless PROFILING_REQUIRE_BROWSER=1 (set by .ci/run, which
installs it): then they fail."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from server.app import create_app
from settings import load_settings

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
REQUIRE_BROWSER = os.environ.get("PROFILING_REQUIRE_BROWSER") == "1"
CHROMIUM = next(
    (path for path in ("/usr/lib/chromium/chromium", shutil.which("chromium")) if path), None
)
CHROMEDRIVER = shutil.which("chromedriver")
WAIT = 30  # seconds: generous for a loaded CI machine; a pass takes a few
WINDOW = (1280, 900)


def need_browser() -> None:
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


@contextmanager
def serving(database_url: str, today: str, *, require_keys: bool = True) -> Iterator[str]:
    """uvicorn in a thread, keys required (unless told), over `database_url`: yields its base
    URL."""
    settings = load_settings({"DATABASE_URL": database_url, "PROFILING_TODAY": today})
    app = create_app(settings=settings, require_keys=require_keys)
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
        yield f"http://127.0.0.1:{port}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(WAIT)
        listener.close()


def start_browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
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
    return driver


def network_requests(driver: Any) -> list[dict[str, Any]]:
    """The requests the page sent since the last call (DevTools' network events, failed ones
    included): the browser's log is drained as it is read."""
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"])
    return requests


def requested_urls(driver: Any) -> set[str]:
    """Every URL the page asked for (DevTools' network events, failed requests included) and
    every resource it loaded (Resource Timing)."""
    urls = {request["url"] for request in network_requests(driver)}
    urls.update(
        driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
            ".concat(performance.getEntriesByType('navigation').map(e => e.name));"
        )
    )
    return urls


def foreign(urls: set[str], base_url: str) -> list[str]:
    return sorted(
        url
        for url in urls
        if not url.startswith(f"{base_url}/") and not url.startswith(("data:", "blob:"))
    )


def screenshot(driver: Any, name: str, *, full_page: bool = False) -> Path:
    """A PNG in test-artifacts/browser/; `full_page` grows the window to the page's height
    for the shot (and puts it back)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    if full_page:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(WINDOW[0], max(WINDOW[1], height + 120))
    try:
        driver.save_screenshot(str(path))
    finally:
        if full_page:
            driver.set_window_size(*WINDOW)
    return path


def script_errors(driver: Any) -> list[str]:
    """Console errors, but the 401 a test provokes on purpose."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and "status of 401" not in entry["message"]
    ]


def clicked(selector: str) -> Any:
    """A wait condition that finds the element and clicks it, found again when the page
    replaced it in between (a list drawn again as its answer arrives): true once clicked."""
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
    )

    def click(driver: Any) -> bool:
        try:
            driver.find_element("css selector", selector).click()
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        return True

    return click


def placed_as_the_api_says(position: Any, comparison: dict[str, Any]) -> str:
    """Checks that a position row of the dashboard places the customer as the API's
    comparison does (`customerPercentile insight informative`): the rank in bold when the
    figures are informative, else the insight's sentence that the value cannot be placed and
    no number (a rank read off mostly noise). Answers which of the two it was."""
    ranks = position.find_elements("css selector", ".percentile")
    if comparison["informative"] is False:
        assert ranks == []
        (unplaced,) = position.find_elements("css selector", ".unplaced")
        assert "cannot be placed" in (comparison["insight"] or "")
        assert unplaced.text == comparison["insight"]
        return "unplaced"
    assert position.find_elements("css selector", ".unplaced") == []
    (rank,) = ranks
    assert rank.get_attribute("data-percentile") == str(comparison["customerPercentile"])
    assert rank.text == f"percentile {comparison['customerPercentile']}"
    return "ranked"
