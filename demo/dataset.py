"""The built-in demo data set: two apps, a thousand accounts, two years of monthly metrics,
sales and ledger entries (with their segments and credit risk computed).

`profiling demo` and `profiling serve --demo` fill a database with it so a new user has a
realistic customer base to explore. It is deterministic: the same `today` and `scale` give
the same rows on every machine (string seeds, no global random state, nothing depends on
hash order), and loading it again changes nothing (rows held as planned are left alone, the
others are upserted).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from demo.calendar import MonthWindow
from demo.catalog import APPS, INDUSTRIES, METRICS
from demo.entities import DemoAccount, generate_accounts
from demo.metrics import MetricValueGenerator, count_rows
from demo.sales import DemoSales, generate_sales
from demo.tables import DEMO_TABLES
from demo.unchanged import rows_to_write
from store.jobs.segment import segment_apps
from store.tables import (
    ACCOUNT_TABLE,
    APP_TABLE,
    COMPANY_TABLE,
    CONTRACT_TABLE,
    CREDIT_RISK_TABLE,
    DEFINITION_TABLE,
    INDUSTRY_TABLE,
    LEDGER_TABLE,
    METRIC_TABLE,
    SALE_LINE_TABLE,
    SALES_PROFILE_TABLE,
)
from store.upsert import CHUNK_ROWS, upsert

# Changing the seed changes every generated name and value: keep it fixed.
SEED = "customer-profiling-demo-1"
# Beyond this a load runs for hours: a mistyped scale fails fast instead.
MAX_SCALE = 50.0


Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """Rows per table of the demo data set."""

    apps: int
    industries: int
    accounts: int
    companies: int
    contracts: int
    metric_definitions: int
    metric_values: int
    sale_lines: int = 0
    ledger_entries: int = 0

    @property
    def total(self) -> int:
        return (
            self.apps
            + self.industries
            + self.accounts
            + self.companies
            + self.contracts
            + self.metric_definitions
            + self.metric_values
            + self.sale_lines
            + self.ledger_entries
        )


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """The demo's entities, decided; its metric values are generated while they are written."""

    window: MonthWindow
    accounts: tuple[DemoAccount, ...]
    summary: DemoSummary
    sales: DemoSales

    @property
    def total_rows(self) -> int:
        """What a progress bar counts up to: `write_demo` reports exactly this many rows."""
        return self.summary.total


def check_scale(scale: float) -> None:
    if not (math.isfinite(scale) and 0 < scale <= MAX_SCALE):
        raise ValueError(
            f"The demo's scale must be a number above 0 and at most {MAX_SCALE:g} "
            f"(1 is about 1,000 accounts and 3,000 companies); got {scale!r}"
        )


def plan_demo(*, today: dt.date, scale: float = 1.0) -> DemoPlan:
    """Decide the demo's customers for values up to the last full month before `today`.

    `scale` multiplies the number of accounts and companies (1.0: about 1,000 and 3,000).
    At any scale there are two apps and every industry, each large industry keeps more
    accounts than the cohort minimum, and the two small industries keep 3 and 4.
    """
    check_scale(scale)
    window = MonthWindow.before(today)
    accounts = generate_accounts(random.Random(f"{SEED}:entities"), window, scale)
    sales = generate_sales(accounts, window, seed=SEED)
    summary = DemoSummary(
        apps=len(APPS),
        industries=len(INDUSTRIES),
        accounts=len(accounts),
        companies=sum(len(account.companies) for account in accounts),
        contracts=sum(len(c.contracts) for account in accounts for c in account.companies),
        metric_definitions=len(METRICS),
        metric_values=count_rows(accounts, window),
        sale_lines=len(sales.sale_lines),
        ledger_entries=len(sales.ledger_entries),
    )
    return DemoPlan(window=window, accounts=accounts, summary=summary, sales=sales)


def demo_rows(plan: DemoPlan, *, batch_rows: int = CHUNK_ROWS) -> Iterator[tuple[Table, list[Row]]]:
    """Every row of the demo as (table, batch), parents first; metric values in batches."""
    accounts = plan.accounts
    yield APP_TABLE, [{"app_id": app_id} for app_id in APPS]
    yield INDUSTRY_TABLE, [{"industry_id": i.industry_id, "name": i.name} for i in INDUSTRIES]
    yield ACCOUNT_TABLE, [account.row() for account in accounts]
    yield (
        COMPANY_TABLE,
        [company.row(account.account_id) for account in accounts for company in account.companies],
    )
    yield (
        CONTRACT_TABLE,
        [
            contract.row(company.company_id)
            for account in accounts
            for company in account.companies
            for contract in company.contracts
        ],
    )
    yield DEFINITION_TABLE, [metric.definition_row() for metric in METRICS]
    generator = MetricValueGenerator(seed=SEED, window=plan.window)
    batch: list[Row] = []
    for account in accounts:
        batch.extend(generator.account_rows(account))
        if len(batch) >= batch_rows:
            yield METRIC_TABLE, batch
            batch = []
    batch.extend(generator.industry_rows())
    yield METRIC_TABLE, batch
    for table, rows in (
        (SALE_LINE_TABLE, plan.sales.sale_lines),
        (LEDGER_TABLE, plan.sales.ledger_entries),
    ):
        for start in range(0, len(rows), batch_rows):
            yield table, list(rows[start : start + batch_rows])


async def write_demo(
    engine: AsyncEngine, *, plan: DemoPlan, progress: Callable[[int], None] | None = None
) -> DemoSummary:
    """Write the planned demo in one transaction: all of it or, on any error, nothing. Rows the
    database holds as planned are left alone; `progress` counts the rows checked."""
    batches = demo_rows(plan)
    # The next batch is generated in a worker thread while the database takes the current
    # one; one thread at a time advances the generator, so the rows stay in the same order.
    upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
    written = 0
    try:
        async with engine.begin() as connection:
            # No write lock before the first batch's read (store/write_locks.py): a rerun that
            # finds the demo as planned writes nothing and keeps no writer waiting through its
            # check. The first write waits for another writer (no read is open then: reads
            # before it run outside the transaction), and the reads after it run under it.
            while (batch := await upcoming) is not None:
                upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
                table, rows = batch
                # Only the rows the database does not hold as planned: a rerun reads the
                # demo back rather than rewriting it (see demo/unchanged.py).
                changed = await rows_to_write(connection, table, rows)
                await upsert(connection, table, changed)
                written += len(changed)
                if progress is not None:
                    progress(len(rows))
            # The demo's accounts get their segments and credit risk with their sales: again
            # only when a row was written or none is derived yet (nothing else they are
            # derived from has changed then, so recomputing them would give the same rows).
            if written or not await segments_held(connection):
                await segment_apps(connection, apps=APPS)
    finally:
        # After a failed write, let the worker finish before the generator is dropped.
        await asyncio.gather(upcoming, return_exceptions=True)
    return plan.summary


async def segments_held(connection: AsyncConnection) -> bool:
    """True when every demo app has sales profiles and credit risks derived (a load before
    wrote them): a database loaded before segments were derived still gets them."""
    for table in (SALES_PROFILE_TABLE, CREDIT_RISK_TABLE):
        for app in APPS:
            found = await connection.execute(
                select(literal(1))
                .select_from(table.join(ACCOUNT_TABLE))
                .where(ACCOUNT_TABLE.c.app_id == app)
                .limit(1)
            )
            if found.first() is None:
                return False
    return True


async def load_demo(
    engine: AsyncEngine,
    *,
    today: dt.date,
    scale: float = 1.0,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Plan and write the demo; `progress` receives the number of rows of each write."""
    return await write_demo(engine, plan=plan_demo(today=today, scale=scale), progress=progress)


async def demo_rows_held(engine: AsyncEngine) -> int:
    """Rows of the tables the demo writes (with its sale lines and ledger entries): what a
    load adds is the difference (a load of the demo held already writes only the rows missing
    or changed, and adds rows only for the missing ones)."""
    async with engine.connect() as connection:
        total = 0
        for table in (*DEMO_TABLES, SALE_LINE_TABLE, LEDGER_TABLE):
            found = await connection.execute(select(func.count()).select_from(table))
            total += int(found.scalar_one())
    return total


async def database_is_empty(engine: AsyncEngine) -> bool:
    """True when none of the tables the demo fills holds a row (API keys do not count)."""
    async with engine.connect() as connection:
        for table in DEMO_TABLES:
            found = await connection.execute(select(literal(1)).select_from(table).limit(1))
            if found.first() is not None:
                return False
    return True
