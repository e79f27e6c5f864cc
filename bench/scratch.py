"""A scratch database for a benchmark: migrated, and empty even when it is a PostgreSQL one an
earlier run filled (the benchmarks wipe it, so point them at a database of their own)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import create_engine
from store.migrate import migrate
from store.tables import METADATA


async def fresh_database(url: str) -> AsyncEngine:
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.run_sync(METADATA.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await migrate(engine)
    return engine
