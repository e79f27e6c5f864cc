from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.migrate import migrate
from store.tables import METADATA, is_metric_partition


def _declared(name: str | None, type_: str, parent_names: object) -> bool:
    # metric_value's partitions on PostgreSQL are made by migrations and loads, not declared.
    return not (type_ == "table" and name is not None and is_metric_partition(name))


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": _declared}
    )
    return list(compare_metadata(context, METADATA))


async def test_migrations_build_exactly_the_declared_tables(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_migrating_twice_is_harmless(engine: AsyncEngine) -> None:
    await migrate(engine)
    await migrate(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


def _migrate_to(connection: Connection, revision: str, *, down: bool = False) -> None:
    from alembic import command

    from store.migrate import alembic_config

    if down:
        command.downgrade(alembic_config(connection), revision)
    else:
        command.upgrade(alembic_config(connection), revision)


_VALUES = [
    ("account", f"A{n}", "revenue", dt.date(1980 + n // 12, n % 12 + 1, 1), Decimal(f"{n}.50"))
    for n in range(30)
]


async def _stored(engine: AsyncEngine) -> tuple[list[tuple[Any, ...]], str]:
    """metric_value's rows, and what kind of table it is on PostgreSQL ('p': partitioned)."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT level, entity_id, metric_name, effective_date, value FROM metric_value")
        )
        kind = ""
        if engine.dialect.name == "postgresql":
            found = await connection.execute(
                text("SELECT relkind::text FROM pg_class WHERE oid = 'metric_value'::regclass")
            )
            kind = str(found.scalar_one())
        values = sorted(
            (
                r[0],
                r[1],
                r[2],
                r[3] if isinstance(r[3], dt.date) else dt.date.fromisoformat(r[3]),
                Decimal(r[4]),
            )
            for r in rows
        )
        return values, kind


async def test_partitioning_by_month_moves_stored_values_and_back(engine: AsyncEngine) -> None:
    """Revision 0010 (metric_value partitioned by month on PostgreSQL, nothing on SQLite)
    keeps every stored value through the upgrade and the downgrade."""
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0009", down=True)
            await connection.execute(
                text(
                    "INSERT INTO metric_definition (name, unit, description, higher_is_better, "
                    "aggregation) VALUES ('revenue', 'EUR', '', true, 'sum')"
                )
            )
            await connection.execute(
                text("INSERT INTO metric_value VALUES (:level, :entity, :name, :month, :value)"),
                [
                    {"level": a, "entity": b, "name": c, "month": d, "value": str(e)}
                    for a, b, c, d, e in _VALUES
                ],
            )
        flat = await _stored(engine)
        assert flat[0] == sorted(_VALUES)
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
        partitioned = await _stored(engine)
        assert partitioned[0] == sorted(_VALUES)
        if engine.dialect.name == "postgresql":
            assert (flat[1], partitioned[1]) == ("r", "p")
            async with engine.connect() as connection:
                found = await connection.execute(
                    text("SELECT count(DISTINCT tableoid) FROM metric_value")
                )
                assert found.scalar_one() == 30
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0009", down=True)
        assert await _stored(engine) == flat
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
            assert await connection.run_sync(_differences) == []
    finally:
        # Back to the head whatever failed midway: the database is shared by the tests
        # after this one, which reset its rows and not its schema.
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
