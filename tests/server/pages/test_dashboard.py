"""The dashboard in a real browser, offline, over a tenth of the demo with its last full month
published: what each view draws is what the API answers to the same key, the customer view
costs at most two GraphQL requests, a small sector shows the refusal, an account key sees its
own account only, a public key the sector benchmarks, and nothing leaves for another host.
Screenshots of every view go to test-artifacts/browser/."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from analytics.months import last_full_month
from demo.dataset import load_demo
from store.engine import create_engine
from store.jobs.publish import publish_month
from store.keys import create_key
from store.migrate import migrate
from store.scope import Role
from tests.factories import Seed
from tests.server.pages.browsing import (
    WAIT,
    clicked,
    foreign,
    need_browser,
    network_requests,
    placed_as_the_api_says,
    requested_urls,
    screenshot,
    script_errors,
    serving,
)

TODAY = dt.date(2026, 12, 3)
SCALE = 0.1  # the demo's apps, industries and ids, a tenth of its accounts
ACCOUNT = "ACC-00002"  # in a sector with enough peers
SMALL_SECTOR = "aerospace"  # under 5 accounts in the demo
APP_KEY_APP = "northwind"  # one of the demo's two apps
NO_SALES_APP = "newcomer"  # an app added to the demo, with an account and no sales
LATE_ACCOUNT = "LATE-00001"  # its value of the published month loaded after the month was
LATE_VALUE = "12345678"


@dataclass
class Server:
    url: str
    keys: dict[str, str]  # by role

    def query(self, role: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.keys[role]}"},
            timeout=WAIT,
        )
        assert response.status_code == 200, response.text
        return response.json()


async def _fill(url: str) -> dict[str, str]:
    engine = create_engine(url)
    try:
        await migrate(engine)
        await load_demo(engine, today=TODAY, scale=SCALE)
        await publish_month(engine, month=last_full_month(TODAY), today=TODAY, min_cohort=5)
        # A new tenant whose sales have not come yet: it has no quarters to offer.
        newcomer = Seed()
        newcomer.account("NEW-00001", app=NO_SALES_APP)
        # A customer of a small sector whose revenue of the published month is loaded after
        # the month was published: that month's frozen cohort does not have it.
        newcomer.account(LATE_ACCOUNT, app=NO_SALES_APP, industry=SMALL_SECTOR)
        newcomer.metric(
            "account", LATE_ACCOUNT, "revenue", last_full_month(TODAY).isoformat(), LATE_VALUE
        )
        await newcomer.write(engine)
        keys = {}
        for role, app, account in (
            (Role.INTERNAL, None, None),
            (Role.ACCOUNT, None, ACCOUNT),
            (Role.PUBLIC, None, None),
            (Role.APP, APP_KEY_APP, None),
        ):
            _, keys[role.value] = await create_key(
                engine, role=role, app_id=app, account_id=account, name=f"dashboard {role}"
            )
        return keys
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_browser()
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('dashboard') / 'demo.db'}"
    keys = asyncio.run(_fill(url))
    with serving(url, TODAY.isoformat()) as base_url:
        yield Server(base_url, keys)


def _app_of(server: Server, account_id: str) -> str:
    answer = server.query("internal", f'{{ account(accountId: "{account_id}") {{ app }} }}')
    app: str = answer["data"]["account"]["app"]
    return app


def _wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def _state(driver: Any, view: str) -> str:
    state: str = driver.execute_script(
        "return document.getElementById(arguments[0]).dataset.state", view
    )
    return state


def _use_key(driver: Any, server: Server, role: str) -> None:
    """Opens the dashboard afresh with the key of `role` typed into its field."""
    from selenium.webdriver.common.keys import Keys

    driver.get(f"{server.url}/dashboard")
    driver.execute_script("sessionStorage.clear()")
    driver.get(f"{server.url}/dashboard")
    driver.find_element("id", "api-key").send_keys(server.keys[role], Keys.ENTER)
    _wait(driver, lambda d: "A key is set" in d.find_element("id", "api-key-status").text)


# The picker's own requests (the list as the search changes, whether the key may read app
# quarters), which may run while a customer view loads: every other request is the view's.
PICKER_OPERATIONS = ("query DashboardCustomers(", "query DashboardQuarterAccess(")


def _pick(driver: Any, account_id: str) -> list[dict[str, Any]]:
    """Searches for the account, clicks it and waits for its view: the GraphQL requests the
    view made."""
    search = driver.find_element("id", "customer-search")
    _wait(driver, lambda d: search.is_displayed())
    search.clear()
    search.send_keys(account_id)
    selector = f"#customer-list li[data-account='{account_id}'] button"
    _wait(driver, lambda d: len(d.find_elements("css selector", "#customer-list li")) == 1)
    _wait(driver, lambda d: d.find_element("css selector", selector))
    network_requests(driver)  # drained: what follows is the view's
    # Found again at the click: the list can be drawn anew between finding and clicking.
    _wait(driver, clicked(selector))
    _wait(
        driver,
        lambda d: (
            _state(d, "customer-view") == "ready"
            and d.find_element("id", "customer-view").get_attribute("data-account") == account_id
        ),
    )
    return [
        request
        for request in network_requests(driver)
        if request["url"] == f"{driver.current_url.rsplit('/', 1)[0]}/graphql"
        and not any(operation in request.get("postData", "") for operation in PICKER_OPERATIONS)
    ]


CUSTOMER = """query($id: String!, $sector: String!) {
  account(accountId: $id) {
    industry { industryId }
    metrics { metricName effectiveDate value formattedValue }
    comparison(metric: "revenue") { customerPercentile insight informative }
    salesProfile {
      firstPurchase lastPurchase daysSinceLastPurchase
      quarters { quarter frequencySegment monetarySegment revenue }
    }
    creditRisk { score segment invoiced outstanding }
  }
  sectorBenchmarks(metric: "revenue", sectors: [$sector]) { publishable p25 p50 p90 }
}"""


def _amount(decimal: str) -> str:
    """An amount as the page writes it: grouped in English, two decimals."""
    return f"{Decimal(decimal):,.2f}"


def _signed(sign: str, accounts: int) -> str:
    """Accounts gained or lost as the quarter table writes them: none is a plain 0."""
    return f"{sign}{accounts:,}" if accounts else "0"


def test_no_key_is_one_readable_line(browser: Any, server: Server) -> None:
    """Where keys are required, the page sends nothing before a key is set: a keyless request
    would only earn a 401, which the browser logs as an error (GraphiQL's page alike)."""
    browser.get(f"{server.url}/dashboard")
    browser.execute_script("sessionStorage.clear()")
    network_requests(browser)
    browser.get_log("browser")
    browser.get(f"{server.url}/dashboard")
    line = _wait(browser, lambda d: d.find_element("id", "error-line").text)
    assert line.startswith("UNAUTHENTICATED")
    assert "\n" not in line
    assert browser.title == "Customer Profiling Dashboard"
    assert browser.find_element("id", "api-key-status").text == (
        "No key set: set one to see the data."
    )
    assert browser.find_element("id", "api-key").get_attribute("placeholder") == "paste a key"
    sent = network_requests(browser)
    assert not [request for request in sent if request["url"].endswith("/graphql")], sent
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []
    assert foreign(requested_urls(browser), server.url) == []


def test_a_refused_key_says_so(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{server.url}/dashboard")
    browser.execute_script("sessionStorage.clear()")
    browser.get(f"{server.url}/dashboard")
    browser.find_element("id", "api-key").send_keys("prof_000000000000_not-a-key", Keys.ENTER)
    status = browser.find_element("id", "api-key-status")
    _wait(browser, lambda d: status.get_attribute("data-refused") == "true")
    assert status.text == "The key set for this tab was refused: set another."
    assert browser.find_element("id", "error-line").text.startswith("UNAUTHENTICATED")


def test_every_request_carries_the_key_where_keys_are_required(
    browser: Any, server: Server
) -> None:
    """Opened without a key, then given one: every request of the page carries it (none left
    before the key, whose 401 could answer late over the key's view)."""
    browser.get(f"{server.url}/dashboard")
    browser.execute_script("sessionStorage.clear()")
    network_requests(browser)
    _use_key(browser, server, "public")
    _wait(browser, lambda d: _state(d, "benchmarks-view") == "ready")
    posts = [r for r in network_requests(browser) if r["url"].endswith("/graphql")]
    assert posts
    assert all(r["headers"].get("Authorization", "").startswith("Bearer ") for r in posts), posts
    assert not browser.find_element("id", "error-line").is_displayed()
    assert browser.find_element("id", "benchmarks-view").is_displayed()


def test_the_customer_view_carries_the_api_values_from_two_requests(
    browser: Any, server: Server
) -> None:
    _use_key(browser, server, "internal")
    requests = _pick(browser, ACCOUNT)
    assert 1 <= len(requests) <= 2
    assert {request["method"] for request in requests} == {"POST"}
    assert all(
        request["headers"].get("Authorization") == f"Bearer {server.keys['internal']}"
        for request in requests
    )
    sector = server.query(
        "internal", f'{{ account(accountId: "{ACCOUNT}") {{ industry {{ industryId }} }} }}'
    )["data"]["account"]["industry"]["industryId"]
    answer = server.query("internal", CUSTOMER, {"id": ACCOUNT, "sector": sector})
    assert "errors" not in answer
    account = answer["data"]["account"]

    # One chart per metric, its points the API's values month by month.
    expected: dict[str, list[tuple[str, str, str]]] = {}
    for row in account["metrics"]:
        expected.setdefault(row["metricName"], []).append(
            (row["effectiveDate"], row["value"], row["formattedValue"])
        )
    drawn = browser.execute_script(
        """return [...document.querySelectorAll('.metric-card')].map(card => [
             card.dataset.metric,
             [...card.querySelectorAll('circle.point')].map(p =>
               [p.dataset.date, p.dataset.value, p.dataset.formatted]),
             card.querySelector('.latest-value').textContent]);"""
    )
    assert {metric: [tuple(point) for point in points] for metric, points, _ in drawn} == expected
    assert {metric: latest for metric, _, latest in drawn} == {
        metric: rows[-1][2] for metric, rows in expected.items()
    }

    # The sector position: the band, the median and the percentile the API gives.
    revenue = browser.find_element("css selector", "#positions li[data-metric='revenue']")
    band = revenue.find_element("css selector", "rect.band")
    benchmark = answer["data"]["sectorBenchmarks"][0]
    assert benchmark["publishable"]
    assert float(band.get_attribute("data-p25")) == benchmark["p25"]
    assert float(band.get_attribute("data-p90")) == benchmark["p90"]
    median = revenue.find_element("css selector", "line.median")
    assert float(median.get_attribute("data-p50")) == benchmark["p50"]
    # An internal key's figures are exact: always precise enough to place the customer.
    assert placed_as_the_api_says(revenue, account["comparison"]) == "ranked"

    # The RFM story, quarter by quarter, and the credit risk.
    quarters = browser.execute_script(
        """return [...document.querySelectorAll('#rfm .quarter')].map(q => [q.dataset.quarter,
             q.querySelector('[data-kind=frequency]').dataset.segment,
             q.querySelector('[data-kind=monetary]').dataset.segment]);"""
    )
    profile = account["salesProfile"]
    assert quarters == [
        [q["quarter"], q["frequencySegment"], q["monetarySegment"]] for q in profile["quarters"]
    ]
    assert browser.find_element("id", "first-purchase").text == profile["firstPurchase"]
    # A quarter that ends after the app's latest sale is marked partial: the demo sells until
    # November 2026, so its last quarter, and only it, is 2026-Q4 so far.
    (span,) = [
        listed
        for listed in server.query("internal", "{ apps { appId lastSale } }")["data"]["apps"]
        if listed["appId"] == _app_of(server, ACCOUNT)
    ]
    partial = browser.execute_script(
        """return [...document.querySelectorAll('#rfm .quarter')]
             .filter(q => q.querySelector('.partial')).map(q => q.dataset.quarter);"""
    )
    assert partial == ["2026-Q4"] == [profile["quarters"][-1]["quarter"]]
    assert browser.find_element("css selector", "#rfm .partial").text == (
        f"so far: to {span['lastSale']}"
    )
    # Amounts without a currency (the sales and ledger files name none): grouped, with cents.
    revenues = browser.execute_script(
        """return [...document.querySelectorAll('#rfm .revenue')].map(r =>
             [r.dataset.revenue, r.textContent]);"""
    )
    assert revenues == [[q["revenue"], _amount(q["revenue"])] for q in profile["quarters"]]
    for measure in ("invoiced", "outstanding"):
        cell = browser.find_element("css selector", f"#credit [data-measure={measure}]")
        expected_amount = account["creditRisk"][measure]
        assert cell.get_attribute("data-value") == expected_amount
        assert cell.text == _amount(expected_amount)
    assert browser.find_element("id", "last-purchase").text == profile["lastPurchase"]
    # The days since the last purchase name the day they are counted to.
    counted_to = dt.date.fromisoformat(profile["lastPurchase"]) + dt.timedelta(
        days=profile["daysSinceLastPurchase"]
    )
    assert browser.find_element("id", "days-since-purchase").text == (
        f"{profile['daysSinceLastPurchase']:,} days before {counted_to.isoformat()}"
    )
    score = browser.find_element("css selector", "#credit .score-value")
    assert score.text == str(account["creditRisk"]["score"])
    # The day the risk is measured on says why it is that day (a key's own rule).
    rule = browser.find_element("css selector", "#credit [data-as-of-rule]")
    assert rule.get_attribute("data-as-of-rule") == "LATEST_LEDGER_DATE"
    assert rule.text == "the app's latest ledger date"

    # An internal key gets exact figures: no note on private ones.
    assert browser.find_elements("css selector", "#positions .privacy-note") == []
    screenshot(browser, "dashboard-customer.png", full_page=True)
    # Picked again, the view costs the same.
    assert len(_pick(browser, ACCOUNT)) <= 2
    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


def test_a_small_sector_shows_not_enough_peers(browser: Any, server: Server) -> None:
    listed = server.query(
        "internal",
        "query($s: String!) { accounts(industry: $s, first: 1) { edges { node { accountId } } }"
        ' sectorBenchmarks(metric: "revenue", sectors: [$s]) { publishable } }',
        {"s": SMALL_SECTOR},
    )["data"]
    assert listed["sectorBenchmarks"] == [{"publishable": False}]
    account_id = listed["accounts"]["edges"][0]["node"]["accountId"]
    _use_key(browser, server, "internal")
    _pick(browser, account_id)
    positions = browser.find_elements("css selector", "#positions li.position")
    assert positions
    assert all("refused" in item.get_attribute("class") for item in positions)
    assert all("Not enough peers to compare" in item.text for item in positions)
    # True for every key: an account key in a cohort of exactly 5 is refused too (4 others).
    assert all("cohort in" in item.text for item in positions)
    assert all(", not counting the key's own:" in item.text for item in positions)
    assert browser.find_elements("css selector", "#positions rect.band") == []
    # A refusal is a state of the page, not an error.
    assert not browser.find_element("id", "error-line").is_displayed()
    screenshot(browser, "dashboard-small-sector.png", full_page=True)
    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


def test_an_app_without_sales_offers_no_quarter(browser: Any, server: Server) -> None:
    from selenium.webdriver.support.ui import Select

    _use_key(browser, server, "internal")
    _wait(browser, lambda d: d.find_element("id", "app-select").get_attribute("data-loaded"))
    Select(browser.find_element("id", "app-select")).select_by_value(NO_SALES_APP)
    browser.find_element("id", "tab-quarter").click()
    view = browser.find_element("id", "quarter-view")
    _wait(browser, lambda d: view.get_attribute("data-app") == NO_SALES_APP)
    assert f"No sales of {NO_SALES_APP} yet" in view.text
    assert Select(browser.find_element("id", "quarter-select")).options == []
    assert not browser.find_element("id", "error-line").is_displayed()
    assert script_errors(browser) == []


def quarter_end(quarter: str) -> dt.date:
    year, number = int(quarter[:4]), int(quarter[6:])
    return dt.date(year + number // 4, number % 4 * 3 + 1, 1) - dt.timedelta(days=1)


def _quarters_between(first: str, last: str) -> list[str]:
    """'YYYY-Qn' from the quarter of `last` back to the quarter of `first`."""

    def index(day: str) -> int:
        return int(day[:4]) * 4 + (int(day[5:7]) - 1) // 3

    return [f"{at // 4}-Q{at % 4 + 1}" for at in range(index(last), index(first) - 1, -1)]


def test_the_quarter_view_carries_the_api_counts(browser: Any, server: Server) -> None:
    from selenium.webdriver.support.ui import Select

    _use_key(browser, server, "internal")
    _pick(browser, ACCOUNT)
    browser.find_element("id", "tab-quarter").click()
    _wait(browser, lambda d: _state(d, "quarter-view") == "ready")
    quarter = Select(browser.find_element("id", "quarter-select")).first_selected_option
    quarter_name = quarter.get_attribute("value")
    # The quarters follow the data's calendar: the demo sells until the month before TODAY,
    # and the quarter chosen first is the last complete one.
    assert quarter_name == "2026-Q3"
    app = _app_of(server, ACCOUNT)
    assert browser.find_element("id", "quarter-view").get_attribute("data-app") == app
    # Offered: the app's quarters from its first sale to its last, newest first, none before.
    (span,) = [
        listed
        for listed in server.query("internal", "{ apps { appId firstSale lastSale } }")["data"][
            "apps"
        ]
        if listed["appId"] == app
    ]
    offered = [
        option.get_attribute("value")
        for option in Select(browser.find_element("id", "quarter-select")).options
    ]
    assert offered == _quarters_between(span["firstSale"], span["lastSale"])
    assert offered[0] == "2026-Q4"
    assert len(offered) > 4
    answer = server.query(
        "internal",
        """query($q: String!, $app: String!) { segmentation(app: $app, quarter: $q) {
             frequency { counts { segment accounts } transitions { from to accounts }
                         entered { segment accounts } lapsed { segment accounts } }
             monetary { counts { segment accounts } transitions { from to accounts } } } }""",
        {"q": quarter_name, "app": app},
    )["data"]["segmentation"]
    for measure in ("frequency", "monetary"):
        panel = browser.find_element("id", f"{measure}-flows")
        counts = {
            row.get_attribute("data-segment"): row.find_element(
                "css selector", "[data-count=now]"
            ).text
            for row in panel.find_elements("css selector", "tbody tr[data-segment]")
        }
        assert counts == {c["segment"]: str(c["accounts"]) for c in answer[measure]["counts"]}
        cells = {
            (cell.get_attribute("data-from"), cell.get_attribute("data-to")): int(
                cell.get_attribute("data-accounts")
            )
            for cell in panel.find_elements("css selector", "td[data-from]")
        }
        assert cells == {
            (t["from"], t["to"]): t["accounts"] for t in answer[measure]["transitions"]
        }
    for kind, sign in (("entered", "+"), ("lapsed", "\u2212")):
        cells = browser.find_elements(
            "css selector", f"#frequency-flows tr[data-segment] [data-count={kind}]"
        )
        assert [cell.text for cell in cells] == [
            _signed(sign, c["accounts"]) for c in answer["frequency"][kind]
        ]
    # No signed zero anywhere in the tables.
    texts = [cell.text for cell in browser.find_elements("css selector", "#quarter-view td")]
    assert not {"+0", "\u22120", "-0"} & set(texts)
    assert sum(c["accounts"] for c in answer["frequency"]["counts"]) > 0
    _check_matrix_and_members(browser, server, app, quarter_name)
    screenshot(browser, "dashboard-quarter.png", full_page=True)
    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


def _check_matrix_and_members(browser: Any, server: Server, app: str, quarter: str) -> None:
    answer = server.query(
        "internal",
        """query($q: String!, $app: String!) { segmentation(app: $app, quarter: $q) {
             valueByCreditRisk { monetarySegment creditSegment accounts }
             accountsWithoutCreditRisk
             frequency { enteredAccounts { segment account { accountId } }
                         lapsedAccounts { segment account { accountId } } } } }""",
        {"q": quarter, "app": app},
    )["data"]["segmentation"]
    cells = {
        (cell.get_attribute("data-monetary"), cell.get_attribute("data-credit")): int(
            cell.get_attribute("data-accounts")
        )
        for cell in browser.find_elements("css selector", "#value-credit td[data-monetary]")
    }
    assert cells == {
        (c["monetarySegment"], c["creditSegment"]): c["accounts"]
        for c in answer["valueByCreditRisk"]
    }
    without = browser.find_element("id", "without-credit-risk").get_attribute("data-accounts")
    assert int(without) == answer["accountsWithoutCreditRisk"]
    for kind in ("entered", "lapsed"):
        listed = [
            (item.get_attribute("data-account"), item.get_attribute("data-segment"))
            for item in browser.find_elements(
                "css selector", f"#frequency-flows details[data-kind={kind}] li"
            )
        ]
        assert listed == [
            (m["account"]["accountId"], m["segment"])
            for m in answer["frequency"][f"{kind}Accounts"]
        ]


def test_the_app_picker_comes_from_one_request(browser: Any, server: Server) -> None:
    _use_key(browser, server, "internal")
    _wait(browser, lambda d: d.find_element("id", "app-select").get_attribute("data-loaded"))
    _wait(
        browser,
        lambda d: d.find_element("id", "customer-list").get_attribute("data-state") == "ready",
    )
    bodies = [
        request.get("postData", "")
        for request in network_requests(browser)
        if request["url"] == f"{server.url}/graphql"
    ]
    # From the start with the key typed (the page's loads before it asked with the key of an
    # earlier test, or none).
    operations = [re.findall(r"query (\w+)", body)[0] for body in bodies]
    last_start = len(operations) - 1 - operations[::-1].index("DashboardStart")
    bodies, operations = bodies[last_start:], operations[last_start:]
    # The start (definitions and apps) and the first page of the list: nothing pages through
    # accounts to find the apps, and no key that sees many accounts is asked about quarters.
    assert operations == ["DashboardStart", "DashboardCustomers"]
    assert sum("apps {" in body for body in bodies) == 1
    options = browser.find_elements("css selector", "#app-select option")
    apps = server.query("internal", "{ apps { appId accountCount } }")["data"]["apps"]
    assert len(apps) == 3  # the demo's two and the one without sales

    def label(app: dict[str, Any]) -> str:
        count = app["accountCount"]
        return f"{app['appId']} ({count:,} {'account' if count == 1 else 'accounts'})"

    assert [(option.get_attribute("value"), option.text) for option in options] == [
        ("", "every app")
    ] + [(app["appId"], label(app)) for app in apps]
    tab = browser.find_element("id", "tab-quarter")
    assert tab.get_attribute("data-access") == "allowed"
    assert script_errors(browser) == []


def test_an_account_key_sees_its_own_account_only(browser: Any, server: Server) -> None:
    _use_key(browser, server, "account")
    _wait(browser, lambda d: _state(d, "customer-view") == "ready")
    listed = browser.find_elements("css selector", "#customer-list li[data-account]")
    assert [item.get_attribute("data-account") for item in listed] == [ACCOUNT]
    view = browser.find_element("id", "customer-view")
    assert view.get_attribute("data-account") == ACCOUNT
    _wait(browser, lambda d: d.find_element("id", "app-select").get_attribute("data-loaded"))
    apps = browser.find_elements("css selector", "#app-select option")
    assert [option.get_attribute("value") for option in apps] == [_app_of(server, ACCOUNT)]
    assert apps[0].text.endswith("(1 account)")
    # App quarters are not for this key: the API refused them, the tab is off and says why,
    # and a click on it shows no error.
    tab = browser.find_element("id", "tab-quarter")
    _wait(browser, lambda d: tab.get_attribute("data-access") == "refused")
    assert not tab.is_enabled()
    assert "this key sees one account" in tab.get_attribute("title")
    browser.execute_script("arguments[0].click()", tab)
    assert browser.find_element("id", "quarter-view").get_attribute("hidden") is not None
    assert not browser.find_element("id", "error-line").is_displayed()
    # The same figures the key gets from the API itself (its metrics are its own).
    answer = server.query(
        "account", '{ account(accountId: "ACC-00002") { metrics(names: ["revenue"]) { value } } }'
    )
    values = browser.execute_script(
        'return [...document.querySelectorAll("[data-metric=revenue] circle.point")]'
        ".map(p => p.dataset.value)"
    )
    assert values == [row["value"] for row in answer["data"]["account"]["metrics"]]
    # A quarter is "so far" to the day this key's recency counts to (today: it sees only its own
    # dates), never to the app's latest sale, which is another customer's purchase.
    profile = server.query(
        "account",
        '{ account(accountId: "ACC-00002") { salesProfile { recencyAsOf quarters { quarter } } } }',
    )["data"]["account"]["salesProfile"]
    partial = browser.execute_script(
        "return [...document.querySelectorAll('#rfm .partial')].map(p => p.textContent)"
    )
    ends = [quarter_end(q["quarter"]) for q in profile["quarters"]]
    assert partial == [
        f"so far: to {profile['recencyAsOf']}"
        for end in ends
        if end > dt.date.fromisoformat(profile["recencyAsOf"])
    ]
    # Its credit risk is as of today (the demo's ledgers state no period), and says so.
    rule = browser.find_element("css selector", "#credit [data-as-of-rule]")
    assert rule.get_attribute("data-as-of-rule") == "TODAY"
    assert rule.text == "today: no export period of its ledger, or one not over"
    # Where the key gets private figures, the page says what they are and how far off they
    # can be, and that the percentile is read off them.
    private = (
        server.query(
            "account",
            'query($sector: String!) { sectorBenchmarks(metric: "revenue", sectors: [$sector])'
            " { figureKind } }",
            {"sector": _sector_of(server, ACCOUNT)},
        )["data"]["sectorBenchmarks"][0]["figureKind"]
        == "DIFFERENTIALLY_PRIVATE"
    )
    notes = browser.find_elements("css selector", "#positions .privacy-note")
    assert len(notes) == (1 if private else 0)
    # Each metric is placed as the API places it for this key: a rank read off private figures
    # too imprecise to place the value is not shown as a number, the insight says so instead.
    definitions = server.query("account", "{ metricDefinitions { name } }")["data"]
    fields = " ".join(
        f'm{n}: comparison(metric: "{d["name"]}", latestWithValue: true) '
        "{ metric customerPercentile insight informative }"
        for n, d in enumerate(definitions["metricDefinitions"])
    )
    query = f'{{ account(accountId: "{ACCOUNT}") {{ {fields} }} }}'
    comparisons = server.query("account", query)["data"]["account"]
    placed = [
        placed_as_the_api_says(
            browser.find_element(
                "css selector", f"#positions li[data-metric='{comparison['metric']}']"
            ),
            comparison,
        )
        for comparison in comparisons.values()
        if comparison is not None and comparison["customerPercentile"] is not None
    ]
    # In a tenth of the demo the account's sector has tens of accounts: its private figures
    # are too imprecise to place the account's values (ranked rows: the internal key's tests).
    assert "unplaced" in placed
    screenshot(browser, "dashboard-account-key.png", full_page=True)
    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


def test_an_app_key_sees_its_app_only(browser: Any, server: Server) -> None:
    _use_key(browser, server, "app")
    _wait(browser, lambda d: d.find_element("id", "app-select").get_attribute("data-loaded"))
    apps = browser.find_elements("css selector", "#app-select option")
    assert [option.get_attribute("value") for option in apps] == [APP_KEY_APP]
    (listed_app,) = server.query("app", "{ apps { appId accountCount } }")["data"]["apps"]
    assert apps[0].text == f"{APP_KEY_APP} ({listed_app['accountCount']:,} accounts)"
    tab = browser.find_element("id", "tab-quarter")
    assert tab.get_attribute("data-access") == "allowed"
    assert tab.is_enabled()
    listed = browser.find_elements("css selector", "#customer-list li[data-account]")
    answer = server.query("app", "{ accounts(first: 25) { edges { node { accountId app } } } }")
    nodes = [edge["node"] for edge in answer["data"]["accounts"]["edges"]]
    assert {node["app"] for node in nodes} == {APP_KEY_APP}
    assert [item.get_attribute("data-account") for item in listed] == [
        node["accountId"] for node in nodes
    ]
    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


def test_a_public_key_sees_the_sector_benchmarks(browser: Any, server: Server) -> None:
    _use_key(browser, server, "public")
    _wait(browser, lambda d: _state(d, "benchmarks-view") == "ready")
    assert not browser.find_element("id", "controls").is_displayed()
    # The API has told this key sees no app: the App quarter tab says so, not that it waits.
    tab = browser.find_element("id", "tab-quarter")
    assert tab.get_attribute("data-access") == "refused"
    assert not tab.is_enabled()
    assert "this key sees no app" in tab.get_attribute("title")
    metric = browser.find_element("id", "benchmark-metric").get_attribute("value")
    answer = server.query(
        "public",
        "query($m: String!) { sectorBenchmarks(metric: $m) { sector publishable p50 figureKind "
        "informative accuracy { summary } } }",
        {"m": metric},
    )["data"]["sectorBenchmarks"]
    rows = browser.find_elements("css selector", "#benchmarks li[data-sector]")
    assert [row.get_attribute("data-sector") for row in rows] == [b["sector"] for b in answer]
    for row, benchmark in zip(rows, answer, strict=True):
        if benchmark["publishable"]:
            median = row.find_element("css selector", "line.median")
            assert float(median.get_attribute("data-p50")) == benchmark["p50"]
            # A figure too imprecise to compare sectors is marked, with the API's sentence.
            marks = row.find_elements("css selector", ".imprecise")
            if benchmark["informative"]:
                assert marks == []
            else:
                (mark,) = marks
                assert mark.get_attribute("data-summary") == benchmark["accuracy"]["summary"]
        else:
            assert "Not enough peers to compare" in row.text
    assert not browser.find_element("id", "error-line").is_displayed()
    assert any(not row["informative"] for row in answer if row["publishable"])
    screenshot(browser, "dashboard-public-key.png", full_page=True)
    private = any(row["figureKind"] == "DIFFERENTIALLY_PRIVATE" for row in answer)
    notes = browser.find_elements("css selector", "#benchmarks .privacy-note")
    assert len(notes) == (1 if private else 0)
    assert foreign(requested_urls(browser), server.url) == []
    assert script_errors(browser) == []


def _sector_of(server: Server, account_id: str) -> str:
    answer = server.query(
        "internal",
        "query($id: String!) { account(accountId: $id) { industry { industryId } } }",
        {"id": account_id},
    )
    return str(answer["data"]["account"]["industry"]["industryId"])
