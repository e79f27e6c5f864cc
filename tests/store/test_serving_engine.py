"""The server's engine bounds every statement on PostgreSQL: reads of a request that timed out
finish on their own, and must not keep the database busy for long after."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store.engine import create_serving_engine


async def test_statements_longer_than_the_limit_are_stopped(database_url: str) -> None:
    engine = create_serving_engine(database_url, statement_timeout=0.25)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
            if engine.dialect.name != "postgresql":
                return  # SQLite has no statement timeout; its reads are local and short
            assert (await connection.execute(text("SHOW statement_timeout"))).scalar_one() == (
                "250ms"
            )
            with pytest.raises(DBAPIError, match="statement timeout"):
                await connection.execute(text("SELECT pg_sleep(5)"))
    finally:
        await engine.dispose()
