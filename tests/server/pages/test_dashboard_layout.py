"""The dashboard as a new user reads it, over the same demo as test_dashboard: it says why a
value loaded after its month was published is not compared, it fits a 390 px wide phone in
every view, it shows names exactly as the data gives them, an account key is told plainly why
app quarters are not for it, a narrow band keeps both its labels, and GraphiQL's example runs
with any key."""

from __future__ import annotations

from typing import Any

import httpx
from graphql import OperationDefinitionNode, parse

from server.pages.graphiql import example_query
from tests.server.pages.browsing import WAIT, screenshot, script_errors
from tests.server.pages.test_dashboard import (
    LATE_ACCOUNT,
    LATE_VALUE,
    Server,
    _pick,
    _state,
    _use_key,
    _wait,
    server,
)

__all__ = ["server"]  # the demo server of test_dashboard, one per module

PHONE = (390, 844)
DESKTOP = (1280, 900)


def test_a_value_loaded_after_its_month_was_published_says_so(browser: Any, server: Server) -> None:
    _use_key(browser, server, "internal")
    _pick(browser, LATE_ACCOUNT)
    card = browser.find_element("css selector", "#metrics [data-metric=revenue] .latest-value")
    assert card.get_attribute("data-value") == LATE_VALUE
    row = browser.find_element("css selector", "#positions li[data-metric=revenue]")
    month = row.get_attribute("data-month")
    assert month  # the published month, the one of the value
    # Not "no value in a published month": the value is of a published month, loaded late.
    assert "No value of this customer in a published month" not in row.text
    note = row.find_element("css selector", ".late-value")
    assert note.get_attribute("data-month") == month
    assert "was published before this value was loaded" in note.text
    assert f"profiling publish --month {month[:7]} --revise" in note.text
    # A metric without any value of the customer still says so.
    other = browser.find_element("css selector", "#positions li[data-metric=csat]")
    assert "No value of this customer" in other.text
    screenshot(browser, "dashboard-late-value.png", full_page=True)
    assert script_errors(browser) == []


def _overflow(driver: Any) -> list[str]:
    """Nothing wider than the viewport: the elements that reach past its right edge."""
    found: list[str] = driver.execute_script(
        """const width = document.documentElement.clientWidth;
           if (document.documentElement.scrollWidth <= width) return [];
           return [...document.querySelectorAll('body *')]
             .filter((e) => e.getBoundingClientRect().right > width + 0.5)
             .map((e) => `${e.tagName}.${e.className.baseVal ?? e.className}#${e.id}`
                         + ` ${Math.round(e.getBoundingClientRect().right)}`)
             .slice(0, 12)
             .concat([`scrollWidth ${document.documentElement.scrollWidth} > ${width}`]);"""
    )
    return found


def _at_phone_width(driver: Any, name: str) -> list[str]:
    driver.set_window_size(*PHONE)
    try:
        driver.execute_script("return new Promise((done) => requestAnimationFrame(done))")
        width = driver.execute_script("return window.innerWidth")
        assert width <= PHONE[0]
        found = _overflow(driver)
        screenshot(driver, f"dashboard-phone-{name}.png", full_page=False)
        return found
    finally:
        driver.set_window_size(*DESKTOP)


def test_every_view_fits_a_phone(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.keys import Keys

    # No key: the bar, its form and its status line.
    browser.get(f"{server.url}/dashboard")
    browser.execute_script("sessionStorage.clear()")
    browser.get(f"{server.url}/dashboard")
    _wait(browser, lambda d: d.find_element("id", "error-line").text)
    assert _at_phone_width(browser, "no-key") == []
    # A refused key: the longest status line.
    browser.find_element("id", "api-key").send_keys("prof_000000000000_not-a-key", Keys.ENTER)
    status = browser.find_element("id", "api-key-status")
    _wait(browser, lambda d: status.get_attribute("data-refused") == "true")
    assert _at_phone_width(browser, "refused-key") == []

    _use_key(browser, server, "internal")
    _pick(browser, "ACC-00002")
    assert _at_phone_width(browser, "customer") == []
    _pick(browser, LATE_ACCOUNT)
    assert _at_phone_width(browser, "late-value") == []
    _pick(browser, "ACC-00002")
    browser.find_element("id", "tab-quarter").click()
    _wait(browser, lambda d: _state(d, "quarter-view") == "ready")
    assert _at_phone_width(browser, "quarter") == []

    _use_key(browser, server, "account")
    _wait(browser, lambda d: _state(d, "customer-view") == "ready")
    assert _at_phone_width(browser, "account-key") == []

    _use_key(browser, server, "public")
    _wait(browser, lambda d: _state(d, "benchmarks-view") == "ready")
    assert _at_phone_width(browser, "benchmarks") == []
    assert script_errors(browser) == []


def test_names_are_shown_as_given(browser: Any, server: Server) -> None:
    _use_key(browser, server, "internal")
    _pick(browser, "ACC-00002")
    definitions = server.query("internal", "{ metricDefinitions { name higherIsBetter } }")
    names = {d["name"]: d for d in definitions["data"]["metricDefinitions"]}
    # What a reader sees (innerText follows CSS text-transform): the metric's own name.
    shown = browser.execute_script(
        """return [...document.querySelectorAll('#metrics .metric-card')].map((card) =>
             [card.dataset.metric, card.querySelector('.metric-name').innerText]);"""
    )
    assert shown
    assert dict(shown) == {metric: metric.replace("_", " ") for metric, _ in shown}
    assert "csat" in dict(shown)
    lower = browser.execute_script(
        """return [...document.querySelectorAll('#positions .lower-is-better')]
             .map((e) => e.innerText);"""
    )
    assert lower == ["(lower is better)"] * sum(not d["higherIsBetter"] for d in names.values())
    rows = browser.execute_script(
        """return [...document.querySelectorAll('#positions li[data-metric]')].map((row) =>
             [row.dataset.metric, row.querySelector('.metric-name').firstChild.textContent,
              getComputedStyle(row.querySelector('.metric-name')).textTransform]);"""
    )
    assert rows
    assert all(text == metric.replace("_", " ") and transform == "none"
               for metric, text, transform in rows)  # fmt: skip

    _use_key(browser, server, "public")
    _wait(browser, lambda d: _state(d, "benchmarks-view") == "ready")
    sectors = server.query("public", '{ sectorBenchmarks(metric: "revenue") { sectorName } }')
    expected = [b["sectorName"] for b in sectors["data"]["sectorBenchmarks"]]
    assert "Retail & E-commerce" in expected
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "benchmark-metric")).select_by_value("revenue")
    _wait(
        browser,
        lambda d: d.execute_script(
            "const title = document.querySelector('#benchmarks h3');"
            " return title !== null && title.textContent.startsWith('revenue')"
            " && document.getElementById('benchmarks-view').dataset.state === 'ready';"
        ),
    )
    drawn = browser.execute_script(
        """return [...document.querySelectorAll('#benchmarks li[data-sector] .metric-name')]
             .map((e) => e.innerText);"""
    )
    assert drawn == expected
    assert script_errors(browser) == []


def test_an_account_key_is_told_that_app_quarters_need_the_apps_key(
    browser: Any, server: Server
) -> None:
    # The API's own answer names the reason, not an app "not found" that `apps` lists.
    (app,) = server.query("account", "{ apps { appId } }")["data"]["apps"]
    answer = server.query(
        "account",
        'query($app: String!) { segmentation(app: $app, quarter: "2026-Q3") { app } }',
        {"app": app["appId"]},
    )
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "No app with id" not in error["message"]
    assert "the app's own key" in error["message"]
    # And the page says the same on its tab.
    _use_key(browser, server, "account")
    tab = browser.find_element("id", "tab-quarter")
    _wait(browser, lambda d: tab.get_attribute("data-access") == "refused")
    assert tab.get_attribute("title").startswith(
        "Segments of the whole app need an internal key or the app's own key"
    )
    assert not browser.find_element("id", "error-line").is_displayed()


NARROW_BANDS = """
const [charts, format] = await Promise.all([
  import(new URL('charts.js', arguments[0]).href),
  import(new URL('format.js', arguments[0]).href),
]);
const done = arguments[arguments.length - 1];
const cases = [[5.1, 7.6, 49.4, [0, 4866]], [0, 0.04, 0.23, null], [100, 100, 100, null],
               [4800, 4810, 4866, [0, 4866]], [1, 2, 3, [0, 1e6]], [10, 50, 90, null]];
const found = [];
for (const [p25, p50, p90, domain] of cases) {
  const bar = charts.positionBar({ p25, p50, p75: p90, p90 }, null,
    { label: 'test', format: (v) => format.formatNumber(v), domain });
  bar.style.width = '320px';
  document.body.append(bar);
  const labels = [...bar.querySelectorAll('text.axis')].map((t) => {
    const box = t.getBBox();
    return [t.textContent, box.x, box.x + box.width, box.y, box.y + box.height];
  });
  found.push(labels);
  bar.remove();
}
done(found);
"""


def test_a_narrow_band_keeps_both_labels_apart(browser: Any, server: Server) -> None:
    _use_key(browser, server, "public")
    _wait(browser, lambda d: _state(d, "benchmarks-view") == "ready")
    base = browser.execute_script("return document.querySelector('script[type=module]').src")
    browser.set_script_timeout(WAIT)
    for labels in browser.execute_async_script(NARROW_BANDS, base):
        assert [label[0] for label in labels] == ["p25", "p90"]
        (_, left1, right1, top1, bottom1), (_, left2, right2, top2, bottom2) = labels
        apart = right1 <= left2 or bottom1 <= top2 or bottom2 <= top1
        assert apart, labels
        # Inside the bar's 320 x 46 drawing.
        assert all(0 <= x <= 320 for x in (left1, right1, left2, right2)), labels
        assert all(0 <= y <= 46 for y in (top1, bottom1, top2, bottom2)), labels
    # Every published sector of the view has both labels.
    rows = browser.execute_script(
        """return [...document.querySelectorAll('#benchmarks li[data-sector] svg')]
             .map((svg) => [...svg.querySelectorAll('text.axis')].map((t) => t.textContent));"""
    )
    assert rows
    assert all(labels == ["p25", "p90"] for labels in rows)
    screenshot(browser, "dashboard-public-key-bands.png", full_page=True)


def _operations() -> list[str]:
    document = parse(example_query())
    return [
        definition.name.value
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name
    ]


def test_the_graphiql_example_runs_with_every_key(server: Server) -> None:
    """Whatever key is set, each operation of the example answers without an error (but the
    cohort rule's refusals): it asks for the first account the key sees, not one id that only
    some keys see."""
    for role in ("internal", "app", "account", "public"):
        for operation in _operations():
            response = httpx.post(
                f"{server.url}/graphql",
                json={"query": example_query(), "operationName": operation},
                headers={"Authorization": f"Bearer {server.keys[role]}"},
                timeout=WAIT,
            )
            body = response.json()
            assert response.status_code == 200, body
            # Small sectors' figures are refused field by field: a state, not a failure.
            failures = [
                error
                for error in body.get("errors", [])
                if error["extensions"]["code"] != "COHORT_TOO_SMALL"
            ]
            assert failures == [], (role, operation)
            accounts = body["data"].get("accounts")
            if accounts is not None:
                # Every key but the public one sees an account to show.
                assert bool(accounts["edges"]) == (role != "public"), (role, operation)
