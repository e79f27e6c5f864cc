"""The check of a sales load's invoice dates (`InvoiceDates.check`) against a long history:
function calls (cProfile, repeatable under load) and statements, for a small file of a few
invoices of customers that have many stored ones.

    PYTHONPATH=$PWD .venv/bin/python bench/invoice_date_check.py [CUSTOMERS] [INVOICES] [FILE]

CUSTOMERS customers with INVOICES stored invoices each (two lines each), then a file of FILE
invoices of those customers is checked. SQLite in a temporary folder, or DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import cProfile
import datetime as dt
import os
import pstats
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

from store.engine import create_engine
from store.ingest.kinds.invoice_dates import InvoiceDates
from store.migrate import migrate
from store.tables import METADATA

DAY = dt.date(2024, 4, 1)


async def _run(url: str, customers: int, invoices: int, in_file: int) -> None:
    engine = create_engine(url)
    await migrate(engine)
    async with engine.begin() as connection:
        await connection.execute(insert(METADATA.tables["app"]), [{"app_id": "bench"}])
        await connection.execute(
            insert(METADATA.tables["account"]),
            [{"account_id": f"C{c}", "app_id": "bench", "name": f"C{c}"} for c in range(customers)],
        )
        await connection.execute(
            insert(METADATA.tables["sale_line"]),
            [
                {
                    "account_id": f"C{c}",
                    "sale_date": DAY + dt.timedelta(days=i % 300),
                    "invoice": f"INV-{i}",
                    "line": line,
                    "amount": 10,
                }
                for c in range(customers)
                for i in range(invoices)
                for line in (1, 2)
            ],
        )
    # The file: its first invoices, of every customer in turn, at their stored dates, without a
    # voucher type and with dates that read one way only.
    lines = [
        (f"C{i % customers}", DAY + dt.timedelta(days=i % 300), f"INV-{i}", "", None, False)
        for i in range(in_file)
    ]
    statements: list[str] = []

    def seen(*arguments: Any) -> None:
        statements.append(arguments[2])

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    profile = cProfile.Profile()
    async with engine.connect() as connection:
        check = InvoiceDates(lines, {})
        profile.enable()
        await check.check(connection)
        profile.disable()
    event.remove(engine.sync_engine, "before_cursor_execute", seen)
    await engine.dispose()
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    print(
        f"{engine.dialect.name}: {customers} customers x {invoices} stored invoices "
        f"({2 * customers * invoices} lines), a file of {in_file} invoices: "
        f"{calls:,} function calls, {len(statements)} statements"
    )


def main() -> None:
    given = [int(arg) for arg in sys.argv[1:4]]
    customers, invoices, in_file = [*given, *(20, 2000, 20)[len(given) :]]
    url = os.environ.get("DATABASE_URL")
    if url:
        asyncio.run(_run(url, customers, invoices, in_file))
        return
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        asyncio.run(_run(f"sqlite+aiosqlite:///{database}", customers, invoices, in_file))


if __name__ == "__main__":
    main()
