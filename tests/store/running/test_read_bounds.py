"""Reads whose keys and filters bound their rows say so: small SQLite reads skip the thread hop
(store/running/reader.py). The bound must never be lower than the rows a read can return."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.reads.entities import METRICS_PER_MONTH, MetricFilter, metric_rows_at_most
from store.running import thread_reads
from store.running.reader import Reader, SQLiteReader
from tests.api_client import GraphQLClient
from tests.factories import Seed

MONTH = dt.date(2023, 4, 1)


def test_metric_reads_are_bounded_only_with_a_months_filter() -> None:
    by_months = MetricFilter(months=(MONTH, dt.date(2023, 3, 1)))
    by_both = MetricFilter(names=("revenue",), months=(MONTH,))
    assert metric_rows_at_most([(by_months, 2)]) == 2 * 2 * METRICS_PER_MONTH
    assert metric_rows_at_most([(by_both, 1), (by_both, 2)]) == 3
    assert metric_rows_at_most([(by_both, 1), (MetricFilter(), 1)]) is None
    assert metric_rows_at_most([(MetricFilter(names=("revenue",)), 1)]) is None


@given(
    names=st.none() | st.integers(0, 8),
    months=st.none() | st.integers(0, 6),
    entities=st.integers(0, 30),
)
def test_a_filter_keeps_the_bound_of_one_entity(
    names: int | None, months: int | None, entities: int
) -> None:
    """`rows_an_entity`, computed once by the filter, is the bound the reads ask for: one row
    per metric (its names, or METRICS_PER_MONTH) and month, none without a months filter."""
    metric_filter = MetricFilter(
        names=None if names is None else tuple(f"m{n}" for n in range(names)),
        months=None
        if months is None
        else tuple(MONTH.replace(year=2000 + n) for n in range(months)),
    )
    if months is None:
        assert metric_filter.rows_an_entity is None
    else:
        assert metric_filter.rows_an_entity == months * (
            METRICS_PER_MONTH if names is None else names
        )
        assert (
            metric_rows_at_most([(metric_filter, entities)])
            == entities * metric_filter.rows_an_entity
        )
    # Not part of what the filter is: equal filters are equal and hash alike.
    assert metric_filter == MetricFilter(metric_filter.names, metric_filter.months)
    assert hash(metric_filter) == hash(MetricFilter(metric_filter.names, metric_filter.months))


@given(
    entities=st.integers(1, 30),
    names=st.integers(1, 8),
    months=st.integers(1, 6),
    rows=st.data(),
)
def test_the_bound_covers_every_row_a_read_can_return(
    entities: int, names: int, months: int, rows: st.DataObject
) -> None:
    # At most one row per entity, metric and month (the table's primary key).
    metric_filter = MetricFilter(
        names=tuple(f"m{n}" for n in range(names)),
        months=tuple(dt.date(2023, month, 1) for month in range(1, months + 1)),
    )
    returned = rows.draw(st.integers(0, entities * names * months))
    bound = metric_rows_at_most([(metric_filter, entities)])
    assert bound is not None
    assert returned <= bound


@pytest.fixture
async def bounds(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The bound of each read, as the reader decides with it where the read runs (in `read`,
    or in SQLite's `read_keys` for a small read of keys)."""
    seen: list[int | None] = []
    for reader in (Reader, SQLiteReader):
        decide = reader._runs_inline

        def recorded(self: Reader, rows_at_most: int | None, decide: Any = decide) -> bool:
            seen.append(rows_at_most)
            return bool(decide(self, rows_at_most))

        monkeypatch.setattr(reader, "_runs_inline", recorded)
    return seen


async def test_an_account_and_its_last_month_are_small_reads(
    client: GraphQLClient, engine: Any, bounds: list[int | None]
) -> None:
    seed = Seed()
    seed.industry("retail")
    seed.definition("revenue", "EUR")
    seed.account("acc-1", industry="retail")
    seed.metric("account", "acc-1", "revenue", "2023-04-01", "12.5")
    await seed.write(engine)
    data = await client.data(
        '{ account(accountId: "acc-1") { metrics(lastFullMonth: true) { value } } }'
    )
    assert data == {"account": {"metrics": [{"value": "12.5"}]}}
    # One read: the account (one row) with its month's rows (store/reads/account_metrics.py),
    # bounded where a bound can make a read inline (SQLite's reader); PostgreSQL's never reads
    # inline, and its reads compute no bound (Reader.bounds_rows).
    if engine.dialect.name != "sqlite":
        assert bounds == [None]
        return
    assert bounds == [METRICS_PER_MONTH + 1]
    assert all(thread_reads.runs_inline(bound) for bound in bounds)
    bounds.clear()
    await client.data('{ account(accountId: "acc-1") { metrics { value } } }')
    assert None in bounds  # every month of an account: no bound, a worker thread
