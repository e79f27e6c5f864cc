from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.cohort import MIN_COHORT
from analytics.units import canonical_unit
from demo.calendar import month_end, month_index
from demo.catalog import INDUSTRY, METRICS, metrics_at
from demo.dataset import (
    DEMO_TABLES,
    database_is_empty,
    demo_rows,
    demo_rows_held,
    load_demo,
    plan_demo,
)
from store.engine import create_engine
from store.migrate import migrate
from store.tables import METRIC_TABLE

TODAY = dt.date(2025, 6, 15)
FIRST_MONTH = dt.date(2023, 6, 1)
LAST_FULL_MONTH = dt.date(2025, 5, 1)
SCALE = 0.05
SMALL_INDUSTRIES = {"aerospace": 3, "agriculture": 4}

Contents = dict[str, list[tuple[Any, ...]]]


async def _contents(engine: AsyncEngine) -> Contents:
    """Every row of the demo's tables, in primary-key order (sorted here, not by collation)."""
    contents: Contents = {}
    async with engine.connect() as connection:
        for table in DEMO_TABLES:
            key = [table.columns.keys().index(column.name) for column in table.primary_key]
            rows = [tuple(row) for row in (await connection.execute(select(table))).all()]
            contents[table.name] = sorted(rows, key=lambda row: tuple(row[i] for i in key))
    return contents


async def _count(engine: AsyncEngine, table: Any) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(table))).scalar_one())


async def test_an_empty_database_is_empty_until_the_demo_is_loaded(engine: AsyncEngine) -> None:
    assert await database_is_empty(engine)
    await load_demo(engine, today=TODAY, scale=SCALE)
    assert not await database_is_empty(engine)


async def test_the_summary_and_the_progress_count_the_rows_written(engine: AsyncEngine) -> None:
    plan = plan_demo(today=TODAY, scale=SCALE)
    reported: list[int] = []

    summary = await load_demo(engine, today=TODAY, scale=SCALE, progress=reported.append)

    assert summary == plan.summary
    assert sum(reported) == summary.total == plan.total_rows
    in_database = [await _count(engine, table) for table in DEMO_TABLES]
    assert in_database == [
        summary.apps,
        summary.industries,
        summary.accounts,
        summary.companies,
        summary.contracts,
        summary.metric_definitions,
        summary.metric_values,
    ]


async def test_a_loaded_demo_holds_together(engine: AsyncEngine) -> None:
    await load_demo(engine, today=TODAY, scale=SCALE)
    contents = await _contents(engine)

    _check_customers(contents)
    _check_definitions(contents)
    _check_metric_months_and_precision(contents)
    _check_contract_values_only_while_they_run(contents)
    _check_levels_roll_up(contents)


def _check_customers(contents: Contents) -> None:
    assert [row[0] for row in contents["app"]] == ["northwind", "southpeak"]
    assert len(contents["industry"]) == 12
    accounts = {row[0]: row for row in contents["account"]}
    per_industry: dict[str, int] = defaultdict(int)
    for _id, app_id, _name, industry_id, _key, employees in accounts.values():
        per_industry[industry_id] += 1
        assert app_id in {"northwind", "southpeak"}
        assert employees is None or employees > 0
    for industry_id, count in per_industry.items():
        if industry_id in SMALL_INDUSTRIES:
            assert count == SMALL_INDUSTRIES[industry_id]
        else:
            assert count > MIN_COHORT
    assert set(per_industry) == {row[0] for row in contents["industry"]}
    assert len({row[2] for row in accounts.values()}) == len(accounts), "account names repeat"
    assert any(row[4] for row in accounts.values()), "no key account"

    companies = {row[0]: row for row in contents["company"]}
    assert all(row[1] in accounts for row in companies.values())
    contracts = contents["contract"]
    assert all(row[1] in companies for row in contracts)
    for _id, _company, name, start, end in contracts:
        assert name
        assert start is not None
        assert end is None or start <= end
    assert any(end is not None and end < TODAY for *_, end in contracts), "no contract ended"
    assert any(end is None or end >= TODAY for *_, end in contracts), "no contract runs"


def _check_definitions(contents: Contents) -> None:
    definitions = {row[0]: row for row in contents["metric_definition"]}

    assert len(definitions) == len(METRICS)
    for name, unit, description, _higher_is_better, aggregation, *_bounds in definitions.values():
        assert canonical_unit(unit) == unit, name
        assert description, name
        assert aggregation in {"sum", "mean", "median", "min", "max"}
    assert {name for name, row in definitions.items() if not row[3]} == {
        "response_time",
        "time_to_resolution",
    }
    assert len({row[1] for row in definitions.values()}) >= 6


def _check_metric_months_and_precision(contents: Contents) -> None:
    places = {metric.name: metric.places for metric in METRICS}

    months = {row[3] for row in contents["metric_value"]}
    assert all(month.day == 1 for month in months)
    assert min(months) == FIRST_MONTH
    assert max(months) == LAST_FULL_MONTH
    assert len(months) == 24
    for level, entity_id, name, _month, value in contents["metric_value"]:
        exponent = value.as_tuple().exponent
        assert exponent == -places[name], (level, entity_id, name, value)
    assert {row[0] for row in contents["metric_value"]} == {
        "account",
        "company",
        "contract",
        "industry",
    }


def _check_contract_values_only_while_they_run(contents: Contents) -> None:
    contracts = {row[0]: row for row in contents["contract"]}

    for level, entity_id, _name, month, _value in contents["metric_value"]:
        if level != "contract":
            continue
        _id, _company, _name, start, end = contracts[entity_id]
        assert start.replace(day=1) <= month
        assert end is None or month <= end


def _check_levels_roll_up(contents: Contents) -> None:
    """Companies sum or average into accounts, accounts into industries."""
    account_industry = {row[0]: row[3] for row in contents["account"]}
    company_account = {row[0]: row[1] for row in contents["company"]}
    values = {(row[0], row[1], row[2], row[3]): row[4] for row in contents["metric_value"]}
    below: dict[tuple[str, str, str, dt.date], list[Decimal]] = defaultdict(list)
    for (level, entity_id, name, month), value in values.items():
        if level == "company":
            below["account", company_account[entity_id], name, month].append(value)
        if level == "account":
            below["industry", account_industry[entity_id], name, month].append(value)

    checked = 0
    for (level, entity_id, name, month), parts in below.items():
        if name == "active_users" and (level, entity_id, name, month) in values:
            assert values[level, entity_id, name, month] == sum(parts)
            checked += 1
        if name == "reply_rate" and level == "account":
            mean = (sum(parts, Decimal(0)) / len(parts)).quantize(Decimal("0.1"))
            assert values[level, entity_id, name, month] == mean
            checked += 1
    assert checked > 1000
    industry_metrics = {row[2] for row in contents["metric_value"] if row[0] == "industry"}
    assert industry_metrics == {metric.name for metric in metrics_at(INDUSTRY)}


async def test_two_databases_get_identical_contents(engine: AsyncEngine, tmp_path: Path) -> None:
    other = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    try:
        await migrate(other)
        await load_demo(engine, today=TODAY, scale=SCALE)
        await load_demo(other, today=TODAY, scale=SCALE)
        assert await _contents(engine) == await _contents(other)
    finally:
        await other.dispose()


async def test_loading_twice_changes_nothing(engine: AsyncEngine) -> None:
    first = await load_demo(engine, today=TODAY, scale=SCALE)
    before = await _contents(engine)

    held = await demo_rows_held(engine)
    second = await load_demo(engine, today=TODAY, scale=SCALE)

    assert second == first
    assert await _contents(engine) == before
    # What `profiling demo` says it added: nothing.
    assert await demo_rows_held(engine) == held == first.total


async def test_an_interrupted_load_leaves_nothing_behind(engine: AsyncEngine) -> None:
    written = 0

    def interrupt(rows: int) -> None:
        nonlocal written
        written += rows
        if written > 5_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await load_demo(engine, today=TODAY, scale=SCALE, progress=interrupt)

    assert written > 5_000
    assert await database_is_empty(engine)


def _digest(today: dt.date, scale: float) -> str:
    digest = hashlib.sha256()
    for table, rows in demo_rows(plan_demo(today=today, scale=scale)):
        for row in rows:
            digest.update(repr((table.name, sorted(row.items()))).encode())
    return digest.hexdigest()


def test_rows_do_not_depend_on_the_hash_seed_or_the_process() -> None:
    code = (
        "import datetime, sys\n"
        "from tests.demo.test_dataset import _digest\n"
        f"print(_digest(datetime.date.fromisoformat('{TODAY.isoformat()}'), {SCALE!r}))\n"
    )
    root = Path(__file__).resolve().parents[2]
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("0", "1")
    }
    assert digests == {_digest(TODAY, SCALE)}


def test_full_scale_is_sized_like_a_real_customer_base() -> None:
    summary = plan_demo(today=TODAY).summary

    assert summary.accounts == 1000
    assert summary.companies == 3000
    assert 4500 <= summary.contracts <= 5500
    assert summary.metric_definitions == 12
    assert 500_000 <= summary.metric_values <= 1_000_000


@pytest.mark.parametrize("scale", [0, -1, math.nan, math.inf, 1_000])
def test_an_unusable_scale_is_refused_with_the_range_to_use(scale: float) -> None:
    with pytest.raises(ValueError, match="scale must be a number above 0"):
        plan_demo(today=TODAY, scale=scale)


@settings(max_examples=25, deadline=None)
@given(
    today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
    scale=st.floats(min_value=0.001, max_value=0.4),
)
def test_every_plan_keeps_the_demo_rules(today: dt.date, scale: float) -> None:
    plan = plan_demo(today=today, scale=scale)
    window = plan.window

    assert window.last == month_index(today) - 1
    assert window.last - window.first + 1 == 24
    per_industry: dict[str, int] = defaultdict(int)
    for account in plan.accounts:
        per_industry[account.industry.industry_id] += 1
        assert account.companies
        for company in account.companies:
            assert company.contracts
            for contract in company.contracts:
                end = contract.end_month
                assert end is None or contract.first_month < end
                row = contract.row(company.company_id)
                assert row["end_date"] is None or row["start_date"] <= row["end_date"]
                if end is not None:
                    assert row["end_date"] == month_end(end - 1)
    assert len(per_industry) == 12
    for industry_id, count in per_industry.items():
        assert count == SMALL_INDUSTRIES.get(industry_id, count)
        assert industry_id in SMALL_INDUSTRIES or count > MIN_COHORT
    assert plan.summary.accounts >= round(1000 * scale)


@settings(max_examples=10, deadline=None)
@given(today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_large_industry_can_be_benchmarked_in_the_last_full_month(today: dt.date) -> None:
    plan = plan_demo(today=today, scale=SCALE)
    active: dict[str, int] = defaultdict(int)
    for account in plan.accounts:
        if any(plan.window.last in c.active_months(plan.window) for c in account.companies):
            active[account.industry.industry_id] += 1
    for industry_id, count in active.items():
        assert industry_id in SMALL_INDUSTRIES or count >= MIN_COHORT


def test_the_planned_count_matches_the_generated_rows() -> None:
    plan = plan_demo(today=dt.date(2024, 1, 31), scale=SCALE)
    metric_rows = sum(len(rows) for table, rows in demo_rows(plan) if table is METRIC_TABLE)
    assert metric_rows == plan.summary.metric_values
    assert plan.summary.accounts == len({account.account_id for account in plan.accounts})
