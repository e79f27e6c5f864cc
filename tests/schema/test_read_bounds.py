"""Reads whose keys and filters bound their rows say so: small SQLite reads skip the thread hop
(store/thread_reads.py). The bound must never be lower than the rows a read can return."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers import loaders
from resolvers.loaders import METRICS_PER_MONTH, _bound
from store import shielded, thread_reads
from store.reads import MetricFilter
from tests.factories import Seed
from tests.schema.conftest import GraphQLClient

MONTH = dt.date(2023, 4, 1)


def test_metric_reads_are_bounded_only_with_a_months_filter() -> None:
    by_months = MetricFilter(months=(MONTH, dt.date(2023, 3, 1)))
    by_both = MetricFilter(names=("revenue",), months=(MONTH,))
    assert _bound({("account", by_months): ["a", "b"]}) == 2 * 2 * METRICS_PER_MONTH
    assert _bound({("account", by_both): ["a"], ("company", by_both): ["c", "d"]}) == 3
    assert _bound({("account", by_both): ["a"], ("account", MetricFilter()): ["a"]}) is None
    assert _bound({("account", MetricFilter(names=("revenue",))): ["a"]}) is None


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
    bound = _bound({("account", metric_filter): [f"e{n}" for n in range(entities)]})
    assert bound is not None
    assert returned <= bound


@pytest.fixture
async def bounds(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    seen: list[int | None] = []
    read = shielded.read

    async def recorded(*args: Any, expected_rows: int | None = None, **options: Any) -> Any:
        seen.append(expected_rows)
        return await read(*args, expected_rows=expected_rows, **options)

    monkeypatch.setattr(loaders.shielded, "read", recorded)
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
    assert sorted(bounds, key=str) == [1, METRICS_PER_MONTH]
    assert all(thread_reads.runs_inline(bound) for bound in bounds)
    bounds.clear()
    await client.data('{ account(accountId: "acc-1") { metrics { value } } }')
    assert None in bounds  # every month of an account: no bound, a worker thread
