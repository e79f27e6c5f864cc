"""The dashboard writes numbers in the reader's locale: the browser's language by default, or the
one chosen in its bar (`?locale=`). An Indian reader sees a book's amounts in lakh and crore
(12,34,567.00), the API's formatted values too; a reader in en-US the Western grouping, as
before. Over a Tally Day Book of Indian amounts and a metric in euros, in headless Chromium."""

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
from tests.factories import Seed
from tests.server.pages.browsing import (
    WAIT,
    clicked,
    foreign,
    need_browser,
    requested_urls,
    screenshot,
    script_errors,
    serving,
)
from tests.server.pages.test_dashboard_accounting_only import APP, CUSTOMER, DAY_BOOK, TODAY

# Its 2024-Q2 revenue: 1,23,456 + 18,250.
REVENUE = {"en-US": "141,706.00", "en-IN": "1,41,706.00", "hi-IN": "1,41,706.00"}
CONTRACT_VALUE = "12345678"
FORMATTED = {"en-US": "€12,345,678", "en-IN": "€1,23,45,678", "hi-IN": "€1,23,45,678"}


async def _fill(url: str, folder: Path) -> str:
    engine = create_engine(url)
    try:
        await migrate(engine)
        day_book = folder / "day_book.csv"
        day_book.write_text(DAY_BOOK, encoding="utf-8")
        await ingest_file(engine, kind=IngestKind.SALES, path=day_book, app=APP)
        seed = Seed()
        seed.definition("contract_value", "EUR")
        seed.metric("account", CUSTOMER, "contract_value", "2024-06-01", CONTRACT_VALUE)
        await seed.write(engine)
        _, key = await create_key(engine, role=Role.APP, app_id=APP, name="locale")
        return key
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    need_browser()
    folder = tmp_path_factory.mktemp("locale")
    url = f"sqlite+aiosqlite:///{folder / 'books.db'}"
    key = asyncio.run(_fill(url, folder))
    with serving(url, TODAY) as base_url:
        yield base_url, key


@pytest.fixture
def speaking(browser: Any) -> Iterator[Any]:
    """The browser, told to prefer a language (what its reader set: navigator.languages)."""
    agent = browser.execute_script("return navigator.userAgent")

    def prefer(languages: str) -> Any:
        browser.execute_cdp_cmd(
            "Network.setUserAgentOverride", {"userAgent": agent, "acceptLanguage": languages}
        )
        return browser

    yield prefer
    prefer("en-US,en")


def _customer(browser: Any, base_url: str, key: str, *, address: str = "/dashboard") -> Any:
    """Opens `address` with the key set and the customer drawn: its view."""
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{base_url}/dashboard")
    browser.execute_script("sessionStorage.clear()")
    browser.get(f"{base_url}{address}")
    browser.find_element("id", "api-key").send_keys(key, Keys.ENTER)
    wait = WebDriverWait(browser, WAIT)
    search = wait.until(lambda d: d.find_element("id", "customer-search"))
    wait.until(lambda d: search.is_displayed())
    search.send_keys("Gupta")
    wait.until(clicked(f"#customer-list li[data-account='{CUSTOMER}'] button"))
    view = browser.find_element("id", "customer-view")
    wait.until(lambda d: view.get_attribute("data-state") in ("ready", "error"))
    assert view.get_attribute("data-state") == "ready", view.text
    return view


def _figures(view: Any) -> tuple[str, str]:
    revenue = view.find_element("css selector", ".revenue").text
    value = view.find_element("css selector", ".latest-value").text
    return revenue, value


@pytest.mark.parametrize("language", ["en-IN", "hi-IN", "en-US"])
def test_numbers_follow_the_browsers_language(
    speaking: Any, served: tuple[str, str], language: str
) -> None:
    base_url, key = served
    browser = speaking(f"{language},en")
    view = _customer(browser, base_url, key)
    assert _figures(view) == (REVENUE[language], FORMATTED[language])
    picker = browser.find_element("id", "locale-select")
    assert picker.get_attribute("data-locale") == language
    assert picker.get_attribute("value") == ""  # the browser's language, not a choice
    screenshot(browser, f"dashboard-locale-{language}.png", full_page=True)
    assert script_errors(browser) == []
    assert foreign(requested_urls(browser), base_url) == []


def test_a_locale_chosen_in_the_bar_beats_the_browsers(
    speaking: Any, served: tuple[str, str]
) -> None:
    """A reader of an Indian book in a browser set to en-US chooses en-IN: the page loads
    again with `?locale=en-IN`, its numbers in lakh and crore; a link keeps the choice."""
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base_url, key = served
    browser = speaking("en-US,en")
    assert _figures(_customer(browser, base_url, key)) == (
        REVENUE["en-US"],
        FORMATTED["en-US"],
    )
    picker = Select(browser.find_element("id", "locale-select"))
    assert picker.first_selected_option.text == "browser's: en-US 1,234,567.89"
    picker.select_by_value("en-IN")
    WebDriverWait(browser, WAIT).until(lambda d: d.current_url.endswith("?locale=en-IN"))
    view = _customer(browser, base_url, key, address="/dashboard?locale=en-IN")
    assert _figures(view) == (REVENUE["en-IN"], FORMATTED["en-IN"])
    picker = Select(browser.find_element("id", "locale-select"))
    assert picker.first_selected_option.text == "en-IN 12,34,567.89"
    # Not a locale: the browser's language writes the numbers.
    view = _customer(browser, base_url, key, address="/dashboard?locale=no-such-thing!")
    assert _figures(view) == (REVENUE["en-US"], FORMATTED["en-US"])
    assert script_errors(browser) == []


@pytest.mark.parametrize("way", ["address", "browser"])
def test_a_locale_the_api_does_not_know_falls_back_to_en_for_its_values(
    speaking: Any, served: tuple[str, str], way: str
) -> None:
    """de-XX: the browser writes numbers in it (German), the API (Babel) refuses it as an
    unknown locale. The customer is drawn all the same, the API's values in en, and a quiet
    line says so; the page's own numbers stay in the reader's locale."""
    base_url, key = served
    if way == "address":
        browser = speaking("en-US,en")
        view = _customer(browser, base_url, key, address="/dashboard?locale=de-XX")
    else:
        browser = speaking("de-XX")
        view = _customer(browser, base_url, key)
    assert browser.find_element("id", "locale-select").get_attribute("data-locale") == "de-XX"
    assert _figures(view) == ("141.706,00", FORMATTED["en-US"])
    note = view.find_element("id", "locale-fallback")
    assert note.text == "Values written in en: the server does not format numbers in de-XX."
    assert "muted" in (note.get_attribute("class") or "").split()
    # (The data set publishes no month: the line says that, and nothing of the locale.)
    assert "ocale" not in browser.find_element("id", "error-line").get_attribute("textContent")
    assert script_errors(browser) == []


def test_a_locale_the_api_knows_says_nothing_of_a_fallback(
    speaking: Any, served: tuple[str, str]
) -> None:
    base_url, key = served
    view = _customer(speaking("en-US,en"), base_url, key, address="/dashboard?locale=de-CH")
    assert view.find_elements("id", "locale-fallback") == []
