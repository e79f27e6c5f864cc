"""What a new alias of a row field costs the compiled plan's rows as JSON text.

    PYTHONPATH=. .venv/bin/python bench/rows_json_aliases.py [--requests 200] [--rounds 4]

Loads the demo (scale 0.05) into a SQLite file in a temporary folder, then sends through the
ASGI app (no HTTP, no key) new query texts of the small query, each twice (the second runs the
compiled plan), whose fresh alias is on the account (the same statement for every text) or on
a row field (with the keys in the statement's text, a new statement for each), in interleaved
rounds. Prints the process CPU a request (all threads: SQLite's reads may run in a worker) and
the load average, and how many statements the JSON read's cache holds."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import create_async_engine

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from demo.dataset import load_demo  # noqa: E402
from server.app import create_app  # noqa: E402
from settings import load_settings  # noqa: E402
from store.migrate import migrate  # noqa: E402
from store.reads import account_metrics_json  # noqa: E402


def _query(number: int, on_row: bool) -> str:
    top = "account" if on_row else f"a{number}: account"
    row = f"v{number}: value" if on_row else "value"
    return (
        "query ($id: String!, $m: Date!) { " + top + "(accountId: $id) { "
        "metrics(effectiveDates: [$m]) { metricName " + row + " unit effectiveDate } } }"
    )


async def _main(requests: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.db"
        engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
        await migrate(engine)
        await load_demo(engine, today=dt.date(2026, 12, 6), scale=0.05)
        with sqlite3.connect(path) as plain:
            ids = [row[0] for row in plain.execute("SELECT account_id FROM account LIMIT 50")]
            (month,) = plain.execute("SELECT max(effective_date) FROM metric_value").fetchone()
        app = create_app(require_keys=False, settings=load_settings({}), engine=engine)
        totals = {False: 0.0, True: 0.0}
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as http,
        ):

            async def run(on_row: bool, start: int) -> float:
                began = time.process_time()
                for number in range(start, start + requests):
                    for _ in (0, 1):
                        response = await http.post(
                            "/graphql",
                            json={
                                "query": _query(number, on_row),
                                "variables": {"id": ids[number % len(ids)], "m": month},
                            },
                        )
                        assert response.status_code == 200
                        assert b'"errors"' not in response.content
                return time.process_time() - began

            await run(False, 0)
            await run(True, 0)
            for round_ in range(1, rounds + 1):
                for on_row in (False, True):
                    totals[on_row] += await run(on_row, 100_000 * round_)
        await engine.dispose()
    count = rounds * requests * 2
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"fresh alias on the account: {totals[False] / count * 1e6:,.0f} us CPU a request")
    print(f"fresh alias on a row field: {totals[True] / count * 1e6:,.0f} us CPU a request")
    statements = getattr(account_metrics_json, "_statement", None)
    if statements is not None:
        print(f"statements kept by shape: {statements.cache_info().currsize}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4)
    arguments = parser.parse_args()
    asyncio.run(_main(arguments.requests, arguments.rounds))
