"""A DriverSelect returns what Core returns for the same statement and parameters, on both
stores: the same rows, values converted to the same Python objects, statements still heard."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, event, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.reads import entities as reads
from store.reads.entities import MetricFilter
from store.running import column_conversion, driver_select, gc_pause
from store.running.driver_select import DriverSelect
from store.tables import ACCOUNT_TABLE, METRIC_TABLE
from tests.factories import Seed
from tests.store.running.plain_driver_support import readers

ACCOUNTS = [f"acc-{n}" for n in range(6)]
NAMES = ("revenue", "minutes_saved", "tickets")
MONTHS = tuple(dt.date(2023, month, 1) for month in range(1, 5))
VALUES = ("145519152283668518066406250000", "15000.0", "0.000120", "-42.50", "0", "7")


@pytest.fixture
async def seeded(engine: AsyncEngine) -> None:
    seed = Seed()
    for name in NAMES:
        seed.definition(name, "EUR")
    for n, account in enumerate(ACCOUNTS):
        seed.account(account, key=n % 2 == 0, employees=None if n % 3 else 10 * n)
        for m, month in enumerate(MONTHS):
            for k, name in enumerate(NAMES):
                if (n + m + k) % 4:
                    value = VALUES[(n + m + k) % len(VALUES)]
                    seed.metric("account", account, name, month.isoformat(), value)
    await seed.write(engine)


async def _through_core(
    engine: AsyncEngine, statement: DriverSelect, parameters: dict[str, Any]
) -> list[list[Any]]:
    async with engine.connect() as connection:
        rows = (await connection.execute(statement._statement, parameters)).all()
    width = len(statement._statement.selected_columns)
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * width


async def _through_driver(
    engine: AsyncEngine, statement: DriverSelect, parameters: dict[str, Any]
) -> list[list[Any]]:
    async with engine.connect() as connection:
        return await statement.columns(connection, parameters)


def _typed(columns: list[list[Any]]) -> list[list[tuple[type, Any]]]:
    """Values with their types: Decimal('1.50') and '1.50' must not compare equal here."""
    return [[(type(value), value) for value in column] for column in columns]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ids=st.lists(st.sampled_from([*ACCOUNTS, "missing"]), max_size=8),
    names=st.none() | st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True),
    months=st.none() | st.lists(st.sampled_from(MONTHS), min_size=1, max_size=4, unique=True),
)
async def test_metric_rows_are_those_core_reads(
    engine: AsyncEngine,
    seeded: None,
    ids: list[str],
    names: list[str] | None,
    months: list[dt.date] | None,
) -> None:
    statement = reads._metrics_by_entity(names is not None, months is not None)
    parameters: dict[str, Any] = {"level": "account", "ids": ids}
    if names is not None:
        parameters["names"] = names
    if months is not None:
        parameters["months"] = months
    driver = await _through_driver(engine, statement, parameters)
    assert _typed(driver) == _typed(await _through_core(engine, statement, parameters))
    # And the read built on it groups them by entity, in order.
    async with engine.connect() as connection:
        grouped = await reads.metrics_by_entity(
            connection,
            level="account",
            entity_ids=ids,
            metric_filter=MetricFilter(
                names=tuple(names) if names is not None else None,
                months=tuple(months) if months is not None else None,
            ),
        )
    assert [record for records in grouped.values() for record in records] == [
        (name, value, unit, month) for _id, name, value, unit, month in zip(*driver, strict=True)
    ]
    assert set(grouped) <= set(ids)


async def test_every_value_keeps_its_digits_and_its_type(engine: AsyncEngine, seeded: None) -> None:
    columns = await _through_driver(
        engine, reads._metrics_by_entity(False, False), {"level": "account", "ids": ACCOUNTS}
    )
    values, months = columns[2], columns[4]
    assert {str(value) for value in values} == set(VALUES)
    assert all(type(value) is Decimal for value in values)
    assert all(type(month) is dt.date for month in months)


async def test_accounts_come_back_as_core_reads_them(engine: AsyncEngine, seeded: None) -> None:
    statement = DriverSelect(
        select(ACCOUNT_TABLE).where(
            ACCOUNT_TABLE.c.account_id.in_(bindparam("ids", expanding=True))
        )
    )
    parameters = {"ids": [*ACCOUNTS, "missing"]}
    driver = await _through_driver(engine, statement, parameters)
    assert _typed(driver) == _typed(await _through_core(engine, statement, parameters))
    assert {type(flag) for flag in driver[4]} == {bool}  # is_key_account, 0/1 on SQLite


async def test_each_run_is_a_statement_the_engine_hears(engine: AsyncEngine, seeded: None) -> None:
    heard: list[str] = []

    def listen(*arguments: Any) -> None:
        heard.append(arguments[2])

    event.listen(engine.sync_engine, "before_cursor_execute", listen)
    statement = reads._metrics_by_entity(False, True)
    for ids in (["acc-1"], ["acc-1", "acc-2"], ["acc-3"]):
        await _through_driver(
            engine, statement, {"level": "account", "ids": ids, "months": [MONTHS[0]]}
        )
    event.remove(engine.sync_engine, "before_cursor_execute", listen)
    assert len(heard) == 3
    assert all("metric_value" in statement for statement in heard)


async def test_the_texts_kept_are_bounded(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(driver_select, "TEXTS_KEPT", 3)
    statement = DriverSelect(
        select(METRIC_TABLE.c.entity_id).where(
            METRIC_TABLE.c.entity_id.in_(bindparam("ids", expanding=True))
        )
    )
    for size in range(8):
        assert await _through_driver(engine, statement, {"ids": ["x"] * size}) == [[]]
        assert len(statement._texts) <= 3


async def test_a_statement_with_literal_values_is_refused(engine: AsyncEngine) -> None:
    statement = DriverSelect(select(literal(1, literal_execute=True)))
    with pytest.raises(ValueError, match="literal"):
        await _through_driver(engine, statement, {})


async def test_values_bound_when_the_statement_was_built_take_part(
    engine: AsyncEngine, seeded: None
) -> None:
    # As a key's scope does (store/scope.py): a value, and a list, in the statement itself.
    account = ACCOUNT_TABLE.c
    statement = DriverSelect(
        select(account.account_id)
        .where(
            account.account_id.in_(bindparam("ids", expanding=True)),
            account.is_key_account == True,  # noqa: E712 (a SQL expression)
            account.account_id.in_(["acc-0", "acc-1", "acc-2"]),
        )
        .order_by(account.account_id)
    )
    for ids in (ACCOUNTS, ACCOUNTS[1:], []):
        parameters = {"ids": ids}
        driver = await _through_driver(engine, statement, parameters)
        assert driver == await _through_core(engine, statement, parameters)
    assert (await _through_driver(engine, statement, {"ids": ACCOUNTS})) == [["acc-0", "acc-2"]]


async def test_a_read_of_many_rows_converts_them_as_core_does(engine: AsyncEngine) -> None:
    """Past the thresholds of a large read (the collector paused, a column of dates converted
    through a table of its distinct values), the values are still Core's, and grouped."""
    seed = Seed()
    for name in NAMES:
        seed.definition(name, "EUR")
    accounts = [f"big-{n:02d}" for n in range(30)]
    for n, account in enumerate(accounts):
        seed.account(account)
        for m, month in enumerate(MONTHS):
            for k, name in enumerate(NAMES):
                seed.metric("account", account, name, month.isoformat(), VALUES[(n + m + k) % 6])
    await seed.write(engine)
    statement = reads._metrics_by_entity(False, False)
    parameters = {"level": "account", "ids": accounts}
    driver = await _through_driver(engine, statement, parameters)
    assert len(driver[0]) == 360 > max(gc_pause.PAUSE_FROM_ROWS, column_conversion.LOOKUP_FROM)
    assert _typed(driver) == _typed(await _through_core(engine, statement, parameters))
    async with engine.connect() as connection:
        grouped = await reads.metrics_by_entity(
            connection, level="account", entity_ids=accounts, metric_filter=MetricFilter()
        )
    assert list(grouped) == accounts
    # And on the plain drivers (asyncpg, sqlite3), inline and in a reader thread.
    for rows_at_most in (None, 1):
        on_drivers = [
            await reader.read(
                lambda c: reads.metrics_by_entity(
                    c, level="account", entity_ids=accounts, metric_filter=MetricFilter()
                ),
                rows_at_most=rows_at_most,
            )
            for reader in readers(engine)
        ]
        assert on_drivers[0] == on_drivers[1] == grouped
    assert [record for records in grouped.values() for record in records] == [
        (name, value, unit, month) for _id, name, value, unit, month in zip(*driver, strict=True)
    ]
    assert gc.isenabled()


async def test_dates_bound_are_processed_once_per_value(
    engine: AsyncEngine, seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A read's months repeat from one request to the next: each is processed once (SQLite's
    # processor formats it in Python), the rows are Core's, and the values kept are bounded.
    monkeypatch.setattr(driver_select, "PROCESSED_KEPT", 2)
    metric = METRIC_TABLE.c
    statement = DriverSelect(
        select(metric.entity_id, metric.metric_name)
        .where(metric.effective_date.in_(bindparam("months", expanding=True)))
        .order_by(metric.entity_id, metric.metric_name, metric.effective_date)
    )
    for months in ([MONTHS[0]], [MONTHS[0]], [MONTHS[1]], [MONTHS[2]], [MONTHS[0]]):
        parameters = {"months": months}
        driver = await _through_driver(engine, statement, parameters)
        assert driver == await _through_core(engine, statement, parameters)
    [(_key, text)] = statement._texts.items()
    [slot] = text.slots
    if engine.dialect.name != "sqlite":
        assert slot.process is None  # asyncpg takes the date itself
        return
    kept = getattr(slot.process, "__self__", None)
    assert isinstance(kept, dict)  # looked up, not called
    assert 1 <= len(kept) <= 2
