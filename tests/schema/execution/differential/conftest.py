"""The differential tests' fixtures: the seeded database and a client with its schema."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.schema.execution.differential.support import (
    DifferentialClient,
    differential_client,
    seed,
)


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    await seed(engine)


@pytest.fixture
async def client(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DifferentialClient]:
    """The app, with a handle on its schema (to switch executors, to see prepared queries)."""
    async with differential_client(engine, monkeypatch) as client:
        yield client
