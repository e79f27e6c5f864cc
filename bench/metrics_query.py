"""Metric rows through GraphQL against a raw-SQL baseline, measured in the same run.

For 1, 10, 100 and 1,000 accounts x 10 metrics x 12 months it prints the SQL statements of the
request, the server time (the ASGI app in process, HTTP request to JSON bytes), and the time
of the raw path: the same rows fetched with the driver and serialized with orjson.

    .venv/bin/python bench/metrics_query.py [--database-url URL] [--repeat 5]

Without --database-url it builds a temporary SQLite database. A PostgreSQL URL is wiped and
refilled: point it at a scratch database.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
from scratch import fresh_database
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings, normalize_database_url
from store.tables import (
    ACCOUNT_TABLE,
    APP_TABLE,
    DEFINITION_TABLE,
    INDUSTRY_TABLE,
    METRIC_TABLE,
)
from store.upsert import upsert

INDUSTRIES = 10
ACCOUNTS_PER_INDUSTRY = 100
METRICS = 10
MONTHS = [dt.date(2023, month, 1) for month in range(1, 13)]
# The columns the raw baseline returns (its entityId is the node's accountId), and with them
# the one field only the API has: formattedValue, which costs a Babel-style format per row.
RAW_FIELDS = "metricName value unit effectiveDate"
FIELDS = f"{RAW_FIELDS} formattedValue"


def accounts_query(fields: str) -> str:
    return f"""query ($first: Int!) {{ accounts(first: $first) {{ edges {{ node {{ accountId
    metrics {{ {fields} }} }} }} }} }}"""


def industries_query(fields: str) -> str:
    """1,000 accounts in one request: ten industries of a hundred (pages are at most 100)."""
    return f"""{{ industries {{ accounts(first: 100) {{ edges {{ node {{ accountId
    metrics {{ {fields} }} }} }} }} }} }}"""


SMALL = accounts_query(FIELDS)
LARGE = industries_query(FIELDS)


async def fill(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await upsert(connection, APP_TABLE, [{"app_id": "bench"}])
        await upsert(
            connection,
            INDUSTRY_TABLE,
            [{"industry_id": f"ind-{i}", "name": f"Industry {i}"} for i in range(INDUSTRIES)],
        )
        await upsert(
            connection,
            DEFINITION_TABLE,
            [
                {
                    "name": f"metric_{m:02d}",
                    "unit": ("minutes", "EUR", "percent", "count", "hours")[m % 5],
                    "description": "",
                    "higher_is_better": True,
                    "aggregation": "mean",
                }
                for m in range(METRICS)
            ],
        )
        accounts = [
            {
                "account_id": f"acc-{a:05d}",
                "app_id": "bench",
                "name": f"Account {a}",
                "industry_id": f"ind-{a % INDUSTRIES}",
                "is_key_account": False,
                "n_employees": None,
            }
            for a in range(INDUSTRIES * ACCOUNTS_PER_INDUSTRY)
        ]
        await upsert(connection, ACCOUNT_TABLE, accounts)
        await upsert(
            connection,
            METRIC_TABLE,
            [
                {
                    "level": "account",
                    "entity_id": account["account_id"],
                    "metric_name": f"metric_{m:02d}",
                    "effective_date": month,
                    "value": Decimal(f"{(a * 37 + m * 11) % 9973}.{m}"),
                }
                for a, account in enumerate(accounts)
                for m in range(METRICS)
                for month in MONTHS
            ],
        )


def raw_payload(rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """The raw floor's answer: the metric rows as JSON-ready dicts, as a hand-written
    endpoint would build them from (entity_id, metric_name, value, unit, effective_date)."""
    return [
        {
            "entityId": row[0],
            "metricName": row[1],
            "value": str(row[2]),
            "unit": row[3],
            "effectiveDate": str(row[4]),
        }
        for row in rows
    ]


async def raw_baseline(engine: AsyncEngine, account_ids: list[str]) -> float:
    """The floor: the same rows with the driver, no ORM, no GraphQL, serialized by orjson."""
    marks = ", ".join(f":a{n}" for n in range(len(account_ids)))
    statement = text(
        "SELECT v.entity_id, v.metric_name, v.value, d.unit, v.effective_date "
        "FROM metric_value v JOIN metric_definition d ON d.name = v.metric_name "
        f"WHERE v.level = 'account' AND v.entity_id IN ({marks}) "
        "ORDER BY v.entity_id, v.metric_name, v.effective_date"
    )
    params = {f"a{n}": account_id for n, account_id in enumerate(account_ids)}
    started = time.perf_counter()
    async with engine.connect() as connection:
        rows = (await connection.execute(statement, params)).all()
    orjson.dumps(raw_payload(rows))
    return time.perf_counter() - started


async def main(database_url: str | None, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = normalize_database_url(
            database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        )
        engine = await fresh_database(url)
        await fill(engine)
        statements: list[str] = []
        event.listen(
            engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2])
        )
        app = create_app(
            require_keys=False,
            settings=load_settings({"PROFILING_TODAY": "2024-01-15"}),
            engine=engine,
        )
        transport = httpx.ASGITransport(app=app)
        print(f"database: {engine.dialect.name}; median of {repeat} runs after a warm-up")
        print(
            f"{'accounts':>8} {'rows':>7} {'SQL':>4} {'server ms':>10} {'raw ms':>8} "
            f"{'ratio':>6} {'us/row':>7}"
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for count in (1, 10, 100, 1000):
                query = LARGE if count == 1000 else SMALL
                body: dict[str, Any] = {"query": query, "variables": {"first": count}}
                ids = [f"acc-{a:05d}" for a in range(count)]
                if count == 1000:
                    ids = [f"acc-{a:05d}" for a in range(INDUSTRIES * ACCOUNTS_PER_INDUSTRY)]
                server: list[float] = []
                raw: list[float] = []
                rows = 0
                sql = 0
                for attempt in range(repeat + 1):
                    statements.clear()
                    started = time.perf_counter()
                    response = await http.post("/graphql", json=body)
                    elapsed = time.perf_counter() - started
                    sql = len(statements)
                    result = response.json()
                    assert "errors" not in result, result["errors"]
                    rows = response.text.count('"metricName"')
                    base = await raw_baseline(engine, ids)
                    if attempt:  # the first run warms caches and connections
                        server.append(elapsed)
                        raw.append(base)
                s, r = statistics.median(server), statistics.median(raw)
                print(
                    f"{count:>8} {rows:>7} {sql:>4} {s * 1000:>10.1f} {r * 1000:>8.1f} "
                    f"{s / r:>6.1f} {s / max(rows, 1) * 1e6:>7.1f}"
                )
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.database_url, arguments.repeat))
