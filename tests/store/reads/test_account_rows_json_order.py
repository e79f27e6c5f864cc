"""The account-rows JSON read (store/reads/account_metrics_json.py) writes an account's rows in
the order of `metrics_by_entity`, by metric name then month, whatever order they were stored
in: by the aggregate's own ORDER BY on PostgreSQL and on SQLite from 3.44, and on older SQLite
(this machine's 3.40) by the ORDER BY of the subquery that feeds group_concat."""

from __future__ import annotations

import datetime as dt
import random

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import ColumnElement, String, literal_column, select, true
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from store.reads import account_metrics_json
from store.reads.account_metrics_json import RowColumn, RowField, accounts_with_rows_json
from store.reads.entities import MetricFilter
from store.scope import INTERNAL
from store.tables import METRIC_TABLE
from tests.factories import Seed

FIELDS = (
    RowField("metricName", RowColumn.METRIC_NAME),
    RowField("effectiveDate", RowColumn.EFFECTIVE_DATE),
)
NAMES = ("alpha", "beta", "gamma", "Zeta", "a b", "ab")
MONTHS = tuple(dt.date(2022 + n // 12, n % 12 + 1, 1) for n in range(14))


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1))
async def test_rows_come_by_metric_then_month_whatever_order_they_were_written_in(
    engine: AsyncEngine, seed: int
) -> None:
    rows = [(name, month) for name in NAMES for month in MONTHS]
    random.Random(seed).shuffle(rows)
    written = Seed()
    written.account("acc-1")
    for name in NAMES:
        written.definition(name, "count")
    await written.write(engine)
    async with engine.begin() as connection:  # each example starts from no rows
        await connection.execute(METRIC_TABLE.delete())
    for name, month in rows:  # one transaction each, in the shuffled order
        one = Seed()
        one.metric("account", "acc-1", name, month.isoformat(), "1")
        await one.write(engine)
    async with engine.connect() as connection:
        found = await accounts_with_rows_json(
            connection,
            account_ids=["acc-1"],
            metric_filter=MetricFilter(),
            scope=INTERNAL,
            fields=FIELDS,
        )
    text = found["acc-1"][1]
    answered = [(row["metricName"], row["effectiveDate"]) for row in orjson.loads(text)]
    assert answered == sorted((name, month.isoformat()) for name, month in rows)


def test_from_sqlite_3_44_the_order_is_the_aggregates_own() -> None:
    """The form SQLite 3.44 and later run: `group_concat(row, ',' ORDER BY name, month)`, with
    no ordered subquery (this machine's SQLite runs the other; CI's newer one runs this)."""
    row: ColumnElement[str] = literal_column("r", String())
    rows = account_metrics_json._rows_text(row, [true()], "sqlite", ordered_aggregates=True)
    sql = str(select(rows).compile(dialect=sqlite.dialect()))
    assert (
        "group_concat(r, ',' ORDER BY metric_value.metric_name, metric_value.effective_date)" in sql
    )
    assert sql.count("ORDER BY") == 1
    older = account_metrics_json._rows_text(row, [true()], "sqlite", ordered_aggregates=False)
    assert "ORDER BY" in str(select(older).compile(dialect=sqlite.dialect()))
