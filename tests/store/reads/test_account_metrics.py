"""Accounts with their rows in one statement answer what the two reads they replace answer:
`accounts_by_id` for the account, `metrics_by_entity` for its rows (same rows, same order,
same values), for every scope, filter and list of ids, on both stores and both reads' paths."""

from __future__ import annotations

import datetime as dt
from functools import partial
from itertools import product

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.reads import entities as reads
from store.reads.account_metrics import AccountWithMetrics, accounts_with_metrics
from store.reads.entities import MetricFilter
from store.running.reader import close_readers, reader_for
from store.scope import INTERNAL, Role, Scope
from store.tables import Level
from tests.factories import Seed

MARCH, APRIL, MAY = dt.date(2023, 3, 1), dt.date(2023, 4, 1), dt.date(2023, 5, 1)
SCOPES = [
    INTERNAL,
    Scope(Role.APP, app_id="north"),
    Scope(Role.ACCOUNT, account_id="acc-2"),
    Scope(Role.PUBLIC),
]
FILTERS = [
    MetricFilter(),
    MetricFilter(months=(APRIL,)),
    MetricFilter(months=(MARCH, APRIL)),
    MetricFilter(names=("revenue",)),
    MetricFilter(names=("revenue", "tickets"), months=(MAY,)),
    MetricFilter(names=("tickets",), months=(MARCH,)),
]
ID_LISTS = [
    ["acc-1"],
    ["acc-2"],
    ["acc-3"],  # no rows at all
    ["nope"],
    ["acc-2", "acc-1", "nope", "acc-3", "acc-4"],
]


async def _seed(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.definition("tickets", "count")
    seed.definition("unused", "hours")
    seed.account("acc-1", app="north")
    seed.account("acc-2", app="south", key=True, employees=12)
    seed.account("acc-3", app="north")
    seed.account("acc-4", app="north")
    seed.company(
        "acc-1", account="acc-1"
    )  # a company of the same id: its rows are not the account's
    for month in ("2023-03-01", "2023-04-01"):
        seed.metric("account", "acc-1", "revenue", month, "10.5")
        seed.metric("account", "acc-1", "tickets", month, "3")
        seed.metric("account", "acc-2", "tickets", month, "1E+1")
        seed.metric("company", "acc-1", "revenue", month, "7")
    seed.metric("account", "acc-4", "revenue", "2023-05-01", "0.000")
    await seed.write(engine)


async def _both(
    connection: AsyncConnection, ids: list[str], metric_filter: MetricFilter, scope: Scope
) -> dict[str, AccountWithMetrics]:
    return await accounts_with_metrics(
        connection, account_ids=ids, metric_filter=metric_filter, scope=scope
    )


async def _apart(
    connection: AsyncConnection, ids: list[str], metric_filter: MetricFilter, scope: Scope
) -> dict[str, AccountWithMetrics]:
    found = await reads.accounts_by_id(connection, account_ids=ids, scope=scope)
    rows = await reads.metrics_by_entity(
        connection, level=Level.ACCOUNT, entity_ids=list(found), metric_filter=metric_filter
    )
    return {key: (record, rows.get(key, [])) for key, record in found.items()}


async def test_one_statement_answers_as_the_two_reads(engine: AsyncEngine) -> None:
    await _seed(engine)
    try:
        for driver_reads in (True, False):
            reader = reader_for(engine, driver_reads=driver_reads)
            for scope, metric_filter, ids in product(SCOPES, FILTERS, ID_LISTS):
                got = await reader.read(
                    partial(_both, ids=ids, metric_filter=metric_filter, scope=scope)
                )
                expected = await reader.read(
                    partial(_apart, ids=ids, metric_filter=metric_filter, scope=scope)
                )
                assert got == expected, (scope, metric_filter, ids)
                # Equal Decimals may be written differently ("1E+1", "10"): compare the text.
                assert repr(sorted(got.items())) == repr(sorted(expected.items()))
    finally:
        await close_readers(engine)
