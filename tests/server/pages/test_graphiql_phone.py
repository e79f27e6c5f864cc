"""GraphiQL on a phone, 390 px wide, in headless Chromium, offline: at its desktop layout the
query editor was 146 px wide and the answer 52 px, side by side. On a phone the page scrolls,
GraphiQL takes a whole screen under the bar, the answer sits under the query at the page's width,
and a plugin opened from the sidebar (the docs) takes that width instead of squeezing both.
Screenshots in test-artifacts/browser/graphiql-phone-*.png."""

from __future__ import annotations

from typing import Any

from tests.server.pages.browsing import WAIT, WINDOW, foreign, requested_urls, screenshot
from tests.server.pages.browsing import script_errors as page_errors
from tests.server.pages.test_browser import Server, _editor, _run_query, server

__all__ = ["server"]  # the server of test_browser, one per module

PHONE = (390, 844)
_BOXES = """return Object.fromEntries(arguments[0].map((selector) => {
  const e = document.querySelector(selector);
  if (!e) return [selector, null];
  const r = e.getBoundingClientRect();
  return [selector, { left: r.left, top: r.top, width: r.width, height: r.height,
                      bottom: r.bottom, right: r.right }];
}));"""
_PARTS = ("#graphiql", ".graphiql-query-editor", ".graphiql-response", ".graphiql-sessions")


def _boxes(driver: Any, *selectors: str) -> dict[str, dict[str, float] | None]:
    boxes: dict[str, dict[str, float] | None] = driver.execute_script(_BOXES, list(selectors))
    return boxes


def _scroll_width(driver: Any) -> tuple[int, int]:
    widths: list[int] = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return widths[0], widths[1]


def test_graphiql_is_usable_at_phone_width(browser: Any, server: Server) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    browser.set_window_size(*PHONE)
    try:
        browser.get(f"{server.url}/graphql")
        wait.until(lambda d: "query AccountMetrics" in _editor(d, ".graphiql-query-editor"))
        assert browser.execute_script("return window.innerWidth") <= PHONE[0]
        browser.find_element("id", "api-key").send_keys(server.key, Keys.ENTER)
        wait.until(lambda d: "A key is set" in d.find_element("id", "api-key-status").text)

        def answered(driver: Any) -> bool:
            # A click while GraphiQL re-renders (the schema arriving) can be lost: again.
            _run_query(driver, "{ metricDefinitions { name unit } }")
            quick = WebDriverWait(driver, 2, poll_frequency=0.1)
            try:
                quick.until(lambda d: "minutes_saved" in _editor(d, ".result-window"))
            except TimeoutException:
                return False
            return True

        wait.until(answered)
        browser.execute_script("document.getElementById('graphiql').scrollIntoView()")
        screenshot(browser, "graphiql-phone-answer.png")
        scroll_width, width = _scroll_width(browser)
        assert scroll_width <= width, "the page is wider than the phone"
        boxes = _boxes(browser, *_PARTS)
        page, query, answer = boxes["#graphiql"], boxes[_PARTS[1]], boxes[_PARTS[2]]
        assert page is not None
        assert query is not None
        assert answer is not None
        # GraphiQL a whole screen high, not what the bar leaves of it.
        assert page["height"] >= browser.execute_script("return window.innerHeight") - 1
        # The query and the answer each nearly the page's width, the answer under the query.
        assert query["width"] >= 0.8 * width, boxes
        assert answer["width"] >= 0.8 * width, boxes
        assert answer["top"] >= query["bottom"] - 1, boxes
        assert answer["height"] >= 160, boxes
        assert answer["right"] <= width + 0.5, boxes

        # The docs take GraphiQL's width; closed, the editors are back.
        browser.find_element("css selector", "[aria-label='Show Documentation Explorer']").click()
        wait.until(lambda d: "metricDefinitions" in d.page_source)
        docs = _boxes(browser, ".graphiql-plugin", ".graphiql-sessions")
        plugin = docs[".graphiql-plugin"]
        assert plugin is not None
        assert plugin["width"] >= 0.8 * width, docs
        assert plugin["right"] <= width + 0.5, docs
        screenshot(browser, "graphiql-phone-docs.png")
        browser.find_element("css selector", "[aria-label='Hide Documentation Explorer']").click()
        wait.until(lambda d: (_boxes(d, _PARTS[2])[_PARTS[2]] or {}).get("width", 0) > 0)
        assert _scroll_width(browser)[0] <= width
        assert "minutes_saved" in _editor(browser, ".result-window")
        assert foreign(requested_urls(browser), server.url) == []
        assert page_errors(browser) == []
    finally:
        browser.set_window_size(*WINDOW)


def test_graphiql_keeps_its_desktop_layout_on_a_desktop(browser: Any, server: Server) -> None:
    """Above a phone's width nothing changes: the answer beside the query, one screen."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{server.url}/graphql")
    # The editor holds what GraphiQL kept of the last query (its localStorage): any text.
    WebDriverWait(browser, WAIT).until(lambda d: _editor(d, ".graphiql-query-editor"))
    boxes = _boxes(browser, *_PARTS)
    query, answer = boxes[_PARTS[1]], boxes[_PARTS[2]]
    assert query is not None
    assert answer is not None
    assert answer["left"] >= query["right"] - 1, boxes
    assert browser.execute_script(
        "return document.documentElement.scrollHeight <= window.innerHeight"
    )
