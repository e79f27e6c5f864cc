"""Reads on the driver itself answer exactly as the same reads through SQLAlchemy: data,
errors, their paths. On PostgreSQL the driver is asyncpg (against SQLAlchemy's engine), on
SQLite the plain `sqlite3` connection each thread keeps (against SQLAlchemy's Connection). A
generated corpus of queries runs through an app of each kind over the same seeded database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import given, settings
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.running.reader import DriverReader, SQLiteReader, reader_for
from store.running.sqlite_connection import SQLiteConnection
from tests.api_client import TODAY
from tests.schema.execution.differential.support import (
    CORPUS,
    EXAMPLES,
    answer,
)
from tests.schema.query_corpus import Request, data_requests, requests


@contextlib.asynccontextmanager
async def _client(engine: AsyncEngine, driver_reads: bool) -> AsyncIterator[httpx.AsyncClient]:
    environment = {"PROFILING_TODAY": TODAY, "PROFILING_DRIVER_READS": str(driver_reads)}
    app = create_app(require_keys=False, settings=load_settings(environment), engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def both(engine: AsyncEngine) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    async with _client(engine, True) as driver, _client(engine, False) as standard:
        yield driver, standard


def test_postgresql_reads_take_the_driver_path_unless_switched_off(engine: AsyncEngine) -> None:
    on_postgresql = engine.dialect.name == "postgresql"
    assert isinstance(reader_for(engine), DriverReader) is on_postgresql
    assert not isinstance(reader_for(engine, driver_reads=False), DriverReader)


async def test_sqlite_reads_take_the_plain_driver_unless_switched_off(engine: AsyncEngine) -> None:
    if not isinstance(reader_for(engine), SQLiteReader):
        pytest.skip("a SQLite file's reads")

    async def kind(connection: object) -> bool:
        return isinstance(connection, SQLiteConnection)

    assert await reader_for(engine).read(kind) is True
    assert await reader_for(engine, driver_reads=False).read(kind) is False


@settings(EXAMPLES, max_examples=40)
@given(request=requests(CORPUS))
async def test_generated_queries_answer_alike(
    both: tuple[httpx.AsyncClient, httpx.AsyncClient], seeded: None, request: Request
) -> None:
    driver, standard = both
    assert await answer(driver, request) == await answer(standard, request), request.query


@settings(EXAMPLES, max_examples=80)
@given(request=data_requests(CORPUS))
async def test_generated_queries_over_the_seeded_data_answer_alike(
    both: tuple[httpx.AsyncClient, httpx.AsyncClient], seeded: None, request: Request
) -> None:
    driver, standard = both
    assert await answer(driver, request) == await answer(standard, request), request.query
