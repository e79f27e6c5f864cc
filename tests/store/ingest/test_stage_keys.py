"""`StageKeys`: the integer a SQLite load stages for a row's metric and month orders as the
(metric name, ISO month) pairs do in SQLite (BINARY collation), so that a sort by key is
metric_value's key order; and the stage's copy walks its index without a sort of its own."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import staging
from store.ingest.stage_keys import StageKeys, month_of, month_rows
from store.ingest.staging import MetricStage, StagedColumns

_NAMES = st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=6)
_MONTHS = st.dates(min_value=dt.date.min, max_value=dt.date.max)
_PAIRS = st.lists(st.tuples(_NAMES, _MONTHS), max_size=30)


def _sqlite_order(pairs: list[tuple[str, dt.date]]) -> list[tuple[str, dt.date]]:
    with sqlite3.connect(":memory:") as connection:
        connection.execute("CREATE TABLE p (name TEXT, month TEXT)")
        connection.executemany(
            "INSERT INTO p VALUES (?, ?)", [(name, month.isoformat()) for name, month in pairs]
        )
        found = connection.execute("SELECT * FROM p ORDER BY name, month")
        return [(name, dt.date.fromisoformat(month)) for name, month in found]


@given(known=st.sets(_NAMES), staged=_PAIRS)
def test_keys_order_as_sqlite_orders_the_pairs(
    known: set[str], staged: list[tuple[str, dt.date]]
) -> None:
    keys = StageKeys(known)
    numbers = keys.of([name for name, _ in staged], [month for _, month in staged])
    by_pair = dict(zip(staged, numbers, strict=True))
    # One key per pair, one pair per key, and the month read back from the key.
    assert len(set(by_pair.values())) == len(by_pair)
    assert all(month_of(key) == month for (_name, month), key in by_pair.items())
    # The names of the keys: those staged, each with one number.
    names = dict(keys.used_metrics())
    assert sorted(names.values()) == sorted({name for name, _ in staged})
    assert all(names[key >> 22] == name for (name, _month), key in by_pair.items())
    # Known names: keyed in SQLite's order of the pairs; the others after all of them.
    inside = [pair for pair in by_pair if pair[0] in known]
    assert sorted(inside, key=by_pair.__getitem__) == _sqlite_order(inside)
    outside = [pair for pair in by_pair if pair[0] not in known]
    assert all(by_pair[pair] >> 22 >= len(known) for pair in outside)


def test_the_months_table_holds_each_month_by_its_ordinal() -> None:
    months = {dt.date(2024, 1, 1), dt.date.min, dt.date.max}
    assert sorted(month_rows(months)) == [
        (1, "0001-01-01"),
        (dt.date(2024, 1, 1).toordinal(), "2024-01-01"),
        (dt.date.max.toordinal(), "9999-12-31"),
    ]


async def test_the_copy_walks_the_stage_in_key_order_without_a_sort(
    engine: AsyncEngine,
) -> None:
    """The copy into metric_value reads the stage's covering index in its order and finds the
    texts of each row by rowid: no sort (a temporary B-tree) between the stage and the index
    of metric_value, which then receives its rows in its own order."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's stage holds the texts and is sorted by its queries")
    async with engine.connect() as connection, connection.begin():
        stage = await MetricStage.create(
            connection, entities={"account": {"A1", "A2"}}, metrics={"revenue", "users"}
        )
        await stage.add_columns(
            StagedColumns(
                2,
                ["account", "account"],
                ["A2", "A1"],
                ["users", "revenue"],
                [dt.date(2024, 2, 1), dt.date(2024, 1, 1)],
                ["1", "2.5"],
            )
        )
        await stage.finish_loading()
        plan = await connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN SELECT {staging._STAGED_ROW['sqlite']} "
            f"FROM {staging._STAGED['sqlite']} ORDER BY {stage._key_order()}"
        )
        rows: list[Any] = list(plan.all())
        details = [str(row[3]) for row in rows]
        assert details[0] == "SCAN s USING COVERING INDEX ingest_metric_stage_key"
        assert all("USING INTEGER PRIMARY KEY" in detail for detail in details[1:])
        assert not any("TEMP B-TREE" in detail for detail in details)
        await stage.drop()
