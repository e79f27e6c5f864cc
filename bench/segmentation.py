"""Speed of Query.segmentation on a database (the demo by default): counts only, then with the
lists of entered and lapsed accounts, then with the value x credit-risk matrix, whose accounts
are each scored from their ledger as of the quarter's end. Requests go through the app in
process (httpx's ASGI transport); each figure is the best and the median of --repeat runs.

    .venv/bin/python -m cli.main demo                   # the demo in profiling.db
    .venv/bin/python bench/segmentation.py --app northwind --quarter 2026-Q3
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.app import create_app
from settings import load_settings, normalize_database_url
from store.engine import create_engine

SELECTIONS = {
    "counts": "monetary { accounts counts { segment accounts } entered { segment accounts } }",
    "lists": "monetary { enteredAccounts { segment account { accountId name } } "
    "lapsedAccounts { segment account { accountId name } } }",
    "matrix": "accountsWithoutCreditRisk valueByCreditRisk { monetarySegment creditSegment "
    "accounts }",
}


async def main(url: str, app_id: str, quarter: str, repeat: int) -> None:
    # An error answers in one line below; the server's log of it would be a traceback.
    logging.disable(logging.ERROR)
    engine = create_engine(url)
    app = create_app(settings=load_settings({}), engine=engine, require_keys=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as http:
        for name, selection in SELECTIONS.items():
            query = f'{{ segmentation(quarter: "{quarter}", app: "{app_id}") {{ {selection} }} }}'
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = await http.post("/graphql", json={"query": query})
                times.append(time.perf_counter() - start)
                body = response.json()
                if "errors" in body:
                    raise SystemExit(f"{name}: {body['errors'][0]['message']}")
            print(
                f"{name:7} best {min(times) * 1000:6.1f} ms   "
                f"median {statistics.median(times) * 1000:6.1f} ms"
            )
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite+aiosqlite:///profiling.db")
    parser.add_argument("--app", default="northwind")
    parser.add_argument("--quarter", required=True, help="YYYY-Qn")
    parser.add_argument("--repeat", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(
        main(
            normalize_database_url(arguments.database_url),
            arguments.app,
            arguments.quarter,
            arguments.repeat,
        )
    )
