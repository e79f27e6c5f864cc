"""The account-rows JSON read's kept text (store/reads/account_metrics_json.py `_PREPARED`)
sends what `statement_of` builds afresh, for any sequence of reads.

The read keeps its statement, expanded text and keys' parameters by scope, filter, fields,
dialect and number of accounts, instead of building them every request. Whatever reads came
before (other lengths of the lists, other fields, aliased or not, other scopes), each read must
send the SQL text and arguments `statement_of` gives for it, and answer what that statement
answers, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from store.reads.account_metrics_json import (
    RowColumn,
    RowField,
    accounts_with_rows_json,
    statement_of,
)
from store.reads.entities import MetricFilter
from store.running.reader import reader_for
from store.scope import INTERNAL, Role, Scope
from tests.factories import Seed
from tests.schema.execution.differential.support import EXAMPLES

ACCOUNTS = ("acc-1", "acc-2", "acc-3", "acc-4")
NAMES = ("revenue", "seats", "churn")
MONTHS = (dt.date(2023, 5, 1), dt.date(2023, 6, 1), dt.date(2023, 7, 1))
SCOPES = (INTERNAL, Scope(Role.APP, app_id="north"), Scope(Role.ACCOUNT, "north", "acc-2"))
OWN = {
    RowColumn.METRIC_NAME: "metricName",
    RowColumn.VALUE: "value",
    RowColumn.UNIT: "unit",
    RowColumn.EFFECTIVE_DATE: "effectiveDate",
}


@pytest.fixture
async def seeded(engine: AsyncEngine) -> AsyncEngine:
    seed = Seed()
    for number, account_id in enumerate(ACCOUNTS):
        seed.account(account_id, app="north" if number % 2 else "south")
    for name in NAMES:
        seed.definition(name, f"unit of {name}")
    for number, account_id in enumerate(ACCOUNTS):
        for name in NAMES:
            for month in MONTHS:
                seed.metric("account", account_id, name, month.isoformat(), str(number + 0.5))
    await seed.write(engine)
    return engine


_FIELDS = st.lists(
    st.tuples(st.sampled_from(sorted(OWN)), st.booleans()),
    min_size=1,
    max_size=4,
    unique_by=lambda field: field[0],
).map(
    lambda fields: tuple(
        RowField(OWN[column] if own else f"alias_{column.name.lower()}", column)
        for column, own in fields
    )
)
_READS = st.lists(
    st.tuples(
        st.lists(st.sampled_from(ACCOUNTS), min_size=1, max_size=4, unique=True),
        st.none() | st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True),
        st.none() | st.lists(st.sampled_from(MONTHS), min_size=1, max_size=3, unique=True),
        _FIELDS,
        st.sampled_from(SCOPES),
    ),
    min_size=1,
    max_size=6,
)


async def _kept_and_fresh(
    account_ids: list[str],
    metric_filter: MetricFilter,
    scope: Scope,
    fields: tuple[RowField, ...],
    connection: Any,
) -> tuple[Any, tuple[str, Any], Any]:
    """The kept read's answer, and what `statement_of` sends and answers for the same read."""
    kept = await accounts_with_rows_json(
        connection,
        account_ids=account_ids,
        metric_filter=metric_filter,
        scope=scope,
        fields=fields,
    )
    statement, parameters = statement_of(
        account_ids, metric_filter, scope, fields, connection.dialect
    )
    expected = statement.sql(connection.dialect, parameters)
    fresh, _converters = await statement.driver_rows(connection, parameters)
    return kept, expected, fresh


@settings(EXAMPLES, max_examples=40)
@given(reads=_READS)
async def test_each_read_sends_and_answers_what_statement_of_builds(
    seeded: AsyncEngine, reads: list[Any]
) -> None:
    sent: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        sent.append((args[2], tuple(args[3])))

    event.listen(seeded.sync_engine, "before_cursor_execute", record)
    try:
        for account_ids, names, months, fields, scope in reads:
            metric_filter = MetricFilter(
                None if names is None else tuple(names), None if months is None else tuple(months)
            )
            sent.clear()
            kept, (sql, arguments), fresh = await reader_for(seeded).read(
                partial(_kept_and_fresh, account_ids, metric_filter, scope, fields)
            )
            # The first statement is the kept read's: its text and arguments as built afresh.
            assert sent[0] == (sql, arguments)
            assert {account_id: rows for account_id, (_record, rows) in kept.items()} == {
                row[0]: row[-1] for row in fresh
            }
    finally:
        event.remove(seeded.sync_engine, "before_cursor_execute", record)


async def test_reads_of_other_months_of_one_length_share_one_kept_text(
    seeded: AsyncEngine,
) -> None:
    """The kept text depends on the lengths of the filter's lists, not on their values: reads
    of each month alone keep one entry (keyed by the months, a client cycling months filled
    the dict and emptied it for every reader), and each still answers its own month."""
    from store.reads import account_metrics_json

    fields = (RowField("effectiveDate", RowColumn.EFFECTIVE_DATE),)
    account_metrics_json._PREPARED.clear()
    answers = []
    for month in MONTHS:
        metric_filter = MetricFilter(("revenue",), (month,))
        kept, (_sql, _arguments), fresh = await reader_for(seeded).read(
            partial(_kept_and_fresh, ["acc-1"], metric_filter, INTERNAL, fields)
        )
        assert kept["acc-1"][1] == fresh[0][-1]
        answers.append(kept["acc-1"][1])
    assert len(account_metrics_json._PREPARED) == 1
    assert answers == [f'[{{"effectiveDate":"{month.isoformat()}"}}]' for month in MONTHS]
