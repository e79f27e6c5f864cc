"""Every GraphQL example of the README runs as written against the demo data set, without an
error but those the README says to expect (an HTML comment `<!-- errors expected: CODE ... -->`
on the line before the block)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.months import last_full_month
from demo.dataset import load_demo
from server.app import create_app
from settings import load_settings
from store.engine import create_engine
from store.jobs.publish import publish_month
from store.migrate import migrate

README = Path(__file__).resolve().parent.parent / "README.md"
TODAY = dt.date(2026, 12, 3)
# A tenth of the demo: the same apps, industries and account ids from ACC-00001 on.
SCALE = 0.1
BLOCK = re.compile(
    r"(?:<!-- errors expected: (?P<codes>[A-Z_ ]+) -->\n)?```graphql\n(?P<query>.*?)```", re.S
)


def readme_examples() -> list[tuple[str, frozenset[str]]]:
    return [
        (match["query"], frozenset((match["codes"] or "").split()))
        for match in BLOCK.finditer(README.read_text())
    ]


async def _fill(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
        await load_demo(engine, today=TODAY, scale=SCALE)
        await publish_month(engine, month=last_full_month(TODAY), today=TODAY, min_cohort=5)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo, loaded and its last full month published once for the module."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('readme') / 'demo.db'}"
    asyncio.run(_fill(url))
    return url


@pytest.fixture
async def demo(demo_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(demo_url)
    yield engine
    await engine.dispose()


def test_the_readme_has_examples() -> None:
    assert len(readme_examples()) >= 2


@pytest.mark.parametrize("index", range(len(readme_examples())))
async def test_a_readme_example_runs_as_written(demo: AsyncEngine, index: int) -> None:
    query, expected = readme_examples()[index]
    app = create_app(
        settings=load_settings({"PROFILING_TODAY": TODAY.isoformat()}),
        engine=demo,
        require_keys=False,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is not None, body
    codes = {error["extensions"]["code"] for error in body.get("errors", [])}
    assert codes <= expected, body["errors"]
    if expected:
        assert codes, f"the README says to expect {sorted(expected)}"
