"""The inline SQLite read as a plain call (`Reader.read_keys_now`,
SQLiteConnection.rows_now, store/reads/account_metrics_json.py `accounts_with_rows_json_now`):
the answers, statements and errors of the same read run as a coroutine, on the connection's
one kept cursor, and a forked process's reads on a connection of its own."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.reads.account_metrics_json import (
    RowColumn,
    RowField,
    accounts_with_rows_json,
    accounts_with_rows_json_now,
)
from store.reads.entities import MetricFilter
from store.running import thread_reads
from store.running.reader import SQLiteReader, reader_for
from store.running.sqlite_connection import SQLiteConnection
from store.scope import INTERNAL, Role, Scope
from tests.store.running.plain_driver_support import seed

pytestmark = pytest.mark.usefixtures("sqlite_only")

FIELDS = (
    RowField("metricName", RowColumn.METRIC_NAME),
    RowField("value", RowColumn.VALUE),
    RowField("unit", RowColumn.UNIT),
    RowField("effectiveDate", RowColumn.EFFECTIVE_DATE),
)
MARCH = dt.date(2023, 3, 1)
FILTERS = (
    MetricFilter(),
    MetricFilter(months=(MARCH,)),
    MetricFilter(names=("tickets",), months=(MARCH, dt.date(2023, 4, 1))),
)
SCOPES = (INTERNAL, Scope(Role.APP, app_id="nowhere"), Scope(Role.ACCOUNT, None, "acc-1"))


@pytest.fixture
def sqlite_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's inline reads; PostgreSQL reads through the coroutine")


def _now(reader: Any, keys: list[str], metric_filter: MetricFilter, scope: Scope) -> Any:
    return reader.read_keys_now(
        keys,
        partial(
            accounts_with_rows_json_now, metric_filter=metric_filter, scope=scope, fields=FIELDS
        ),
        rows_at_most=1,
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    keys=st.lists(st.sampled_from(["acc-0", "acc-1", "acc-2", "missing"]), max_size=3),
    metric_filter=st.sampled_from(FILTERS),
    scope=st.sampled_from(SCOPES),
)
async def test_the_plain_call_answers_what_the_coroutine_answers(
    engine: AsyncEngine, keys: list[str], metric_filter: MetricFilter, scope: Scope
) -> None:
    if not await _seeded(engine):
        await seed(engine)
    reader = reader_for(engine)
    expected = await reader.read(
        lambda c: accounts_with_rows_json(
            c, account_ids=keys, metric_filter=metric_filter, scope=scope, fields=FIELDS
        ),
        rows_at_most=1,
    )
    assert _now(reader, keys, metric_filter, scope) == expected


async def _seeded(engine: AsyncEngine) -> bool:
    reader = reader_for(engine)
    found = await reader.read(
        lambda c: accounts_with_rows_json(
            c, account_ids=["acc-0"], metric_filter=MetricFilter(), scope=INTERNAL, fields=FIELDS
        ),
        rows_at_most=1,
    )
    return bool(found)


async def test_the_plain_call_is_counted_and_reads_only_a_few_rows_inline(
    engine: AsyncEngine,
) -> None:
    await seed(engine)
    seen: list[str] = []

    def listen(*arguments: Any) -> None:
        seen.append(arguments[2])

    reader = reader_for(engine)
    event.listen(engine.sync_engine, "before_cursor_execute", listen)
    try:
        found = _now(reader, ["acc-1"], FILTERS[1], INTERNAL)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listen)
    assert found is not None
    record, rows = found["acc-1"]
    assert record.account_id == "acc-1"
    assert rows.startswith('[{"metricName":"revenue","value":"1.25"')
    assert len(seen) == 1
    # Past the inline bound nothing is read: the caller reads through the coroutine.
    many = partial(
        accounts_with_rows_json_now, metric_filter=FILTERS[0], scope=INTERNAL, fields=FIELDS
    )
    assert reader.read_keys_now(["acc-1"], many, rows_at_most=None) is None
    assert reader.read_keys_now(["acc-1"], many, rows_at_most=thread_reads.INLINE_ROWS + 1) is None


async def test_an_error_is_sqlalchemys_and_the_kept_cursor_reads_on(engine: AsyncEngine) -> None:
    await seed(engine)
    reader = reader_for(engine)

    def broken(connection: SQLiteConnection, _keys: Sequence[str]) -> Mapping[str, Any]:
        return dict(connection.rows_now("SELECT * FROM no_such_table", ()))

    def overflows(connection: SQLiteConnection, _keys: Sequence[str]) -> Mapping[str, Any]:
        # Fails while the rows are stepped through, not when the statement is prepared.
        return dict(connection.rows_now("SELECT abs(-9223372036854775807 - 1)", ()))

    with pytest.raises(OperationalError, match="no_such_table"):
        reader.read_keys_now(["acc-1"], broken, rows_at_most=1)
    with pytest.raises(OperationalError, match="overflow"):
        reader.read_keys_now(["acc-1"], overflows, rows_at_most=1)
    found = _now(reader, ["acc-2", "acc-0"], FILTERS[1], INTERNAL)
    assert found is not None
    assert sorted(found) == ["acc-0", "acc-2"]


async def test_a_forked_process_reads_on_a_connection_of_its_own(engine: AsyncEngine) -> None:
    await seed(engine)
    reader = reader_for(engine)
    assert isinstance(reader, SQLiteReader)
    assert _now(reader, ["acc-1"], FILTERS[1], INTERNAL) is not None
    parent = reader._kept_inline()
    assert thread_reads.process_id == os.getpid()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's answer goes through the pipe)
        try:
            os.close(read_end)
            own = reader._kept_inline()
            found = _now(reader, ["acc-1"], FILTERS[1], INTERNAL)
            seen = (
                thread_reads.process_id == os.getpid()
                and own is not parent
                and found is not None
                and "acc-1" in found
            )
            os.write(write_end, b"1" if seen else b"0")
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        answer = os.read(read_end, 1)  # the child writes once, then exits
    finally:
        os.close(read_end)
        os.waitpid(child, 0)  # noqa: ASYNC222 (the child has written: it is exiting)
    assert answer == b"1"
    assert reader._kept_inline() is parent
