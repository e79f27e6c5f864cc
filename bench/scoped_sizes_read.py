"""The refresh's reads of the list sizes (store/reads/list_sizes.py): the store-wide sizes and
the sizes within each app and account, on a store of 2,000 accounts of 2 apps with 10 companies
each (30 for one account in 20) and 5 contracts a company (110,000 contracts): every account is
over the floors, so every one has its rows.

    PYTHONPATH=. .venv/bin/python bench/scoped_sizes_read.py [--postgres-url URL]

Builds the store in a temporary SQLite file (and, with `--postgres-url`, in that database,
whose tables it empties before and after: a database of its own), then prints the best of 5
wall times of each read and the rows it returns. Wall times move with the machine's load: the
two reads are measured one after the other, and only their ratio is meant to be compared."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from sqlalchemy import delete, insert  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine  # noqa: E402

import schema.build  # noqa: E402, F401  (its types declare the floors)
from schema.list_sizes import size_floors  # noqa: E402
from settings import normalize_database_url  # noqa: E402
from store.engine import create_engine  # noqa: E402
from store.migrate import migrate  # noqa: E402
from store.reads.list_sizes import list_sizes, scoped_list_sizes  # noqa: E402
from store.tables import (  # noqa: E402
    ACCOUNT_TABLE,
    APP_TABLE,
    COMPANY_TABLE,
    CONTRACT_TABLE,
    METADATA,
)

ACCOUNTS = 2_000
CONTRACTS_A_COMPANY = 5


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


async def _fill(engine: AsyncEngine) -> None:
    accounts = [
        {"account_id": f"x{n}", "app_id": "ab"[n % 2], "name": "n", "is_key_account": False}
        for n in range(ACCOUNTS)
    ]
    companies = [
        {"company_id": f"x{n}-{m}", "account_id": f"x{n}", "name": "c"}
        for n in range(ACCOUNTS)
        for m in range(30 if n % 20 == 0 else 10)
    ]
    contracts = [
        {"contract_id": f"{company['company_id']}-{k}", "company_id": company["company_id"]}
        | {"name": "k"}
        for company in companies
        for k in range(CONTRACTS_A_COMPANY)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(APP_TABLE), [{"app_id": "a"}, {"app_id": "b"}])
        await connection.execute(insert(ACCOUNT_TABLE), accounts)
        await connection.execute(insert(COMPANY_TABLE), companies)
        await connection.execute(insert(CONTRACT_TABLE), contracts)
        if engine.dialect.name == "postgresql":
            await connection.exec_driver_sql("ANALYZE")


async def _best(engine: AsyncEngine, read: Callable[[AsyncConnection], Awaitable[Any]]) -> str:
    best = float("inf")
    found: Any = None
    for _ in range(5):
        async with engine.connect() as connection:
            start = time.perf_counter()
            found = await read(connection)
            best = min(best, time.perf_counter() - start)
    # The store-wide read gives one size per name (one row); the scoped one, rows per name.
    rows = sum(1 if isinstance(got, int) else len(got) for got in found.values())
    return f"best of 5 {best * 1000:,.1f} ms, {rows:,} rows"


async def measure(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
        await _empty(engine)
        await _fill(engine)
        floors = size_floors()
        name = engine.dialect.name
        print(f"{name} store-wide sizes: {await _best(engine, list_sizes)}")
        print(
            f"{name} sizes by app and account: "
            f"{await _best(engine, lambda c: scoped_list_sizes(c, above=floors))}"
        )
        await _empty(engine)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres-url", help="a database of its own: its tables are emptied")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(measure(f"sqlite+aiosqlite:///{folder}/sizes.db"))
    if arguments.postgres_url:
        asyncio.run(measure(normalize_database_url(arguments.postgres_url)))


if __name__ == "__main__":
    main()
