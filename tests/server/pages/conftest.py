"""An app with keys required, over an empty SQLite database (the pages need neither), and one
headless Chromium per browser test module."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from server.app import create_app
from settings import load_settings
from store.engine import create_engine
from tests.api_client import TODAY
from tests.conftest import copy_sqlite_template
from tests.server.pages.browsing import need_browser, start_browser

MakeClient = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def make_client(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[MakeClient]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pages.db'}"
    copy_sqlite_template(sqlite_template, url)
    engine = create_engine(url)
    clients: list[httpx.AsyncClient] = []

    def make(**environment: str) -> httpx.AsyncClient:
        settings = load_settings({"PROFILING_TODAY": TODAY, **environment})
        app: Starlette = create_app(settings=settings, engine=engine, require_keys=True)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
    await engine.dispose()


@pytest.fixture
def http(make_client: MakeClient) -> httpx.AsyncClient:
    return make_client()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module, its network cut off (browsing.start_browser)."""
    need_browser()
    driver = start_browser()
    try:
        yield driver
    finally:
        driver.quit()
