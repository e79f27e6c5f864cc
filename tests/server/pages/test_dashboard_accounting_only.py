"""The dashboard for a company that loads only its accounting exports: no metric definitions,
no sectors, customers created from a Tally Day Book's parties (named and identified by the
party's name). The customer view must draw the sales profile and credit risk, with no error."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store.engine import create_engine
from store.ingest import IngestKind, ingest_file
from store.keys import create_key
from store.migrate import migrate
from store.scope import Role
from tests.server.pages.browsing import (
    WAIT,
    clicked,
    foreign,
    need_browser,
    requested_urls,
    serving,
)

TODAY = "2024-07-15"
APP = "sharma"
# A Tally Day Book as it comes: the company, the book's name and period on title lines, Indian
# digit grouping, Dr/Cr written after the amounts, cash and bank vouchers beside the parties'.
DAY_BOOK = """Sharma Trading Co.
Day Book
1-Apr-24 to 30-Jun-24
Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount
1-Apr-24,Gupta Traders,Sales,ST/24-25/101,"1,23,456.00 Dr",
2-Apr-24,Cash,Sales,ST/24-25/102,"5,900.00",
3-Apr-24,Gupta Traders,Receipt,RC/101,,"1,00,000.00 Cr"
5-Apr-24,Mehta & Sons,Sales,ST/24-25/103,"42,000.00 Dr",
12-May-24,Gupta Traders,Sales,ST/24-25/140,"18,250.00 Dr",
3-Jun-24,Mehta & Sons,Sales,ST/24-25/171,"9,100.00 Dr",
"""
CUSTOMER = "Gupta Traders"


async def _fill(url: str, folder: Path) -> str:
    engine = create_engine(url)
    try:
        await migrate(engine)
        day_book = folder / "day_book.csv"
        day_book.write_text(DAY_BOOK, encoding="utf-8")
        await ingest_file(engine, kind=IngestKind.SALES, path=day_book, app=APP)
        _, key = await create_key(engine, role=Role.APP, app_id=APP, name="accounting only")
        return key
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    need_browser()
    folder = tmp_path_factory.mktemp("accounting")
    url = f"sqlite+aiosqlite:///{folder / 'books.db'}"
    key = asyncio.run(_fill(url, folder))
    with serving(url, TODAY) as base_url:
        yield base_url, key


def test_a_customer_of_accounting_exports_only_is_drawn(
    browser: Any, served: tuple[str, str]
) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    base_url, key = served
    browser.get(f"{base_url}/dashboard")
    browser.execute_script("sessionStorage.clear()")
    browser.get(f"{base_url}/dashboard")
    browser.find_element("id", "api-key").send_keys(key, Keys.ENTER)
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda d: "A key is set" in d.find_element("id", "api-key-status").text)
    search = wait.until(lambda d: d.find_element("id", "customer-search"))
    wait.until(lambda d: search.is_displayed())
    search.send_keys("Gupta")
    button = wait.until(
        lambda d: d.find_element(
            "css selector", f"#customer-list li[data-account='{CUSTOMER}'] button"
        )
    )
    # Named and identified by the party's name: the name once, then the app.
    assert button.find_element("css selector", ".name").text == CUSTOMER
    assert button.find_element("css selector", ".muted").text == APP
    button.click()
    view = browser.find_element("id", "customer-view")
    wait.until(lambda d: view.get_attribute("data-state") in ("ready", "error"))
    assert view.get_attribute("data-state") == "ready", view.text
    assert not browser.find_element("id", "error-line").is_displayed()
    header = view.find_element("css selector", ".customer-header h2").text
    assert header == CUSTOMER
    # Its sales: the quarter's revenue (123,456 + 18,250) and the credit risk drawn.
    assert "1,41,706" in view.text or "141,706" in view.text, view.text
    assert foreign(requested_urls(browser), base_url) == []


def test_the_apps_first_quarter_of_sales_says_why_no_account_moved(
    browser: Any, served: tuple[str, str]
) -> None:
    """2024-Q2 is the app's first quarter of sales: no account bought in 2024-Q1, so a matrix
    of moves would be all zeros. Each panel says so in one sentence instead."""
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    base_url, key = served
    browser.get(f"{base_url}/dashboard")
    browser.execute_script("sessionStorage.clear()")
    browser.get(f"{base_url}/dashboard")
    browser.find_element("id", "api-key").send_keys(key, Keys.ENTER)
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda d: "A key is set" in d.find_element("id", "api-key-status").text)
    tab = wait.until(lambda d: d.find_element("id", "tab-quarter"))
    wait.until(lambda d: tab.is_enabled())
    tab.click()
    view = browser.find_element("id", "quarter-view")
    wait.until(
        lambda d: (
            view.get_attribute("data-state") == "ready"
            and view.get_attribute("data-quarter") == "2024-Q2"
        )
    )
    for measure in ("frequency", "monetary"):
        panel = browser.find_element("id", f"{measure}-flows")
        assert panel.find_elements("css selector", "td[data-from]") == []
        (why,) = panel.find_elements("css selector", ".no-moves")
        assert why.text == (
            "No account bought in 2024-Q1: every account of 2024-Q2 entered, so no account "
            "moved between segments."
        )
    assert foreign(requested_urls(browser), base_url) == []


def test_a_quarter_the_titles_period_covers_is_not_so_far(
    browser: Any, served: tuple[str, str]
) -> None:
    """The Day Book's title states 1-Apr-24 to 30-Jun-24 and its last sale is of 3 June: 2024-Q2
    is whole in the data (read on 15 July), so the RFM story does not mark it "so far"."""
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    base_url, key = served
    browser.get(f"{base_url}/dashboard")
    browser.execute_script("sessionStorage.clear()")
    browser.get(f"{base_url}/dashboard")
    browser.find_element("id", "api-key").send_keys(key, Keys.ENTER)
    wait = WebDriverWait(browser, WAIT)
    search = wait.until(lambda d: d.find_element("id", "customer-search"))
    wait.until(lambda d: search.is_displayed())
    search.send_keys("Gupta")
    wait.until(clicked(f"#customer-list li[data-account='{CUSTOMER}'] button"))
    view = browser.find_element("id", "customer-view")
    wait.until(lambda d: view.get_attribute("data-state") == "ready")
    quarters = browser.execute_script(
        """return [...document.querySelectorAll('#rfm .quarter')].map(q =>
             [q.dataset.quarter, q.querySelectorAll('.partial').length]);"""
    )
    assert quarters == [["2024-Q2", 0]], quarters
    assert "so far" not in view.text
