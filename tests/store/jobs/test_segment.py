"""The segment job on real databases: per app and quarter, replaced as a whole."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.credit import CreditPolicy
from analytics.segments import SEGMENTS_LOW_TO_HIGH
from settings import SegmentOptions
from store.jobs.segment import segment_apps
from store.tables import LEDGER_TABLE, SALE_LINE_TABLE
from store.upsert import upsert
from tests.factories import Seed
from tests.store.sales_support import d, rows_of

D = Decimal


def sale(
    account: str, day: str, amount: str, invoice: str = "", profit: str | None = None
) -> dict[str, Any]:
    return {
        "account_id": account,
        "sale_date": d(day),
        "invoice": invoice,
        "line": 1,
        "amount": D(amount),
        "quantity": None,
        "cost": None,
        "profit": None if profit is None else D(profit),
    }


async def _write(
    engine: AsyncEngine, sales: list[dict[str, Any]], ledger: list[dict[str, Any]] | None = None
) -> None:
    async with engine.begin() as connection:
        await upsert(connection, SALE_LINE_TABLE, sales)
        await upsert(connection, LEDGER_TABLE, ledger or [])


async def _run(engine: AsyncEngine, **options: Any) -> None:
    async with engine.begin() as connection:
        await segment_apps(connection, options=SegmentOptions(**options))


@pytest.fixture
async def two_apps(engine: AsyncEngine) -> None:
    seed = Seed()
    for name in ("a1", "a2", "a3"):
        seed.account(name, app="north")
    seed.account("b1", app="south")
    await seed.write(engine)


async def test_segments_are_computed_within_each_app_and_quarter(
    engine: AsyncEngine, two_apps: None
) -> None:
    await _write(
        engine,
        [
            sale("a1", "2024-01-10", "100", "I1"),
            sale("a1", "2024-02-10", "100", "I2"),
            sale("a2", "2024-03-10", "5000", "I3"),
            sale("a3", "2024-04-01", "10"),
            # A huge buyer of another app does not push north's accounts down.
            sale("b1", "2024-01-10", "9999999", "X"),
        ],
    )
    await _run(engine)
    quarters = {(row[0], row[1]): row for row in await rows_of(engine, "quarter_segment")}
    assert set(quarters) == {
        ("a1", "2024-Q1"),
        ("a2", "2024-Q1"),
        ("a3", "2024-Q2"),
        ("b1", "2024-Q1"),
    }
    a1, a2 = quarters["a1", "2024-Q1"], quarters["a2", "2024-Q1"]
    # orders, revenue, profit, recency days, monetary is profit, then frequency and monetary
    # cluster and segment.
    assert a1[2:] == (2, D("100") * 2, None, 50, False, 1, "HIGH_VALUE", 0, "BELOW_AVERAGE")
    assert a2[2:] == (1, D("5000"), None, 21, False, 0, "BELOW_AVERAGE", 1, "HIGH_VALUE")
    assert quarters["b1", "2024-Q1"][8] == "AVERAGE"  # alone in its app
    profiles = {row[0]: row[1:] for row in await rows_of(engine, "sales_profile")}
    # north's latest sale is 2024-04-01: a1 bought last on 2024-02-10, 51 days before.
    assert profiles["a1"] == (d("2024-01-10"), d("2024-02-10"), 51, True)
    assert profiles["a2"] == (d("2024-03-10"), d("2024-03-10"), 22, True)
    assert profiles["b1"] == (d("2024-01-10"), d("2024-01-10"), 0, True)


async def test_recency_window_is_configurable(engine: AsyncEngine, two_apps: None) -> None:
    await _write(
        engine,
        [
            sale("a1", "2023-10-01", "1"),
            sale("a2", "2023-12-31", "1"),
            sale("a3", "2024-03-31", "1"),
        ],
    )
    await _run(engine)
    recent = {row[0]: row[4] for row in await rows_of(engine, "sales_profile")}
    assert recent == {"a1": False, "a2": True, "a3": True}
    await _run(engine, recent_quarters=2)
    recent = {row[0]: row[4] for row in await rows_of(engine, "sales_profile")}
    assert recent == {"a1": True, "a2": True, "a3": True}


async def test_monetary_value_is_profit_when_every_account_has_one(
    engine: AsyncEngine, two_apps: None
) -> None:
    await _write(
        engine,
        [sale("a1", "2024-01-01", "1000", profit="10"), sale("a2", "2024-01-02", "10", profit="9")],
    )
    await _run(engine)
    rows = {row[0]: row for row in await rows_of(engine, "quarter_segment")}
    assert rows["a1"][6] is True
    # By profit, a2 (9) is about level with a1 (10); by revenue it would be far below.
    assert (rows["a2"][10], rows["a1"][10]) == ("BELOW_AVERAGE", "HIGH_VALUE")
    await _write(engine, [sale("a3", "2024-01-03", "5")])
    await _run(engine)
    assert {row[6] for row in await rows_of(engine, "quarter_segment")} == {False}


async def test_a_larger_value_never_gets_a_lower_segment_in_a_quarter(
    engine: AsyncEngine,
) -> None:
    rng = random.Random(5)
    seed = Seed()
    for n in range(60):
        seed.account(f"acc{n:02d}", app="north")
    await seed.write(engine)
    lines = []
    for n in range(60):
        for k in range(rng.randint(1, 12)):
            amount = f"{rng.lognormvariate(6, 1.5):.2f}"
            lines.append(
                sale(f"acc{n:02d}", f"2024-0{rng.randint(1, 3)}-1{k % 10}", amount, f"I{k}")
            )
    for index, line in enumerate(lines):
        line["line"] = index
    await _write(engine, lines)
    await _run(engine)
    rows = await rows_of(engine, "quarter_segment")
    order = {segment.value: index for index, segment in enumerate(SEGMENTS_LOW_TO_HIGH)}
    for value_at, segment_at in ((2, 8), (3, 10)):
        ranked = sorted(rows, key=lambda row: row[value_at])
        for low, high in itertools.pairwise(ranked):
            assert (
                order[low[segment_at]] <= order[high[segment_at]] or low[value_at] == high[value_at]
            )
    assert len({row[8] for row in rows}) == 4


async def test_a_run_replaces_an_apps_results_and_leaves_other_apps_alone(
    engine: AsyncEngine, two_apps: None
) -> None:
    await _write(engine, [sale("a1", "2024-01-01", "1"), sale("b1", "2024-01-01", "1")])
    await _run(engine)
    first = await rows_of(engine, "quarter_segment")
    await _run(engine)
    assert await rows_of(engine, "quarter_segment") == first

    await _write(engine, [sale("a1", "2024-05-01", "1")])
    async with engine.begin() as connection:
        [result] = await segment_apps(connection, apps=["north"])
    assert result.summary() == (
        "Segments of app north: 1 account with sales over 2 quarters, 0 with ledger entries"
    )
    assert [row[:2] for row in await rows_of(engine, "quarter_segment")] == [
        ("a1", "2024-Q1"),
        ("a1", "2024-Q2"),
        ("b1", "2024-Q1"),
    ]


async def test_credit_risk_follows_the_policy(engine: AsyncEngine, two_apps: None) -> None:
    def entry(account: str, day: str, kind: str, amount: str, ref: str) -> dict[str, Any]:
        return {
            "account_id": account,
            "entry_date": d(day),
            "kind": kind,
            "reference": ref,
            "line": 1,
            "amount": D(amount),
            "due_date": None,
        }

    await _write(
        engine,
        [],
        [
            entry("a1", "2024-01-01", "invoice", "100", "I1"),
            entry("a1", "2024-02-20", "payment", "100", "I1"),
            entry("a2", "2024-01-01", "invoice", "100", "I2"),
            entry("a2", "2024-01-15", "payment", "100", "I2"),
            entry("a3", "2024-03-31", "invoice", "100", "I3"),
        ],
    )
    await _run(engine)
    risks = {row[0]: row for row in await rows_of(engine, "credit_risk")}
    # a1 paid 20 days late: overdue share 1, 20 days late, nothing owed.
    assert risks["a1"][1:4] == (d("2024-03-31"), 50, "MEDIUM_RISK")
    assert risks["a1"][6:] == (0.0, 1.0, 20.0)
    assert risks["a2"][2:4] == (100, "LOW_RISK")
    assert risks["a3"][2:4] == (100, "LOW_RISK")
    await _run(
        engine, credit=CreditPolicy(low_risk_from=40, high_risk_below=30, payment_terms_days=60)
    )
    risks = {row[0]: row for row in await rows_of(engine, "credit_risk")}
    assert risks["a1"][2:4] == (100, "LOW_RISK")
