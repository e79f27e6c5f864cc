"""What removing the stored lines beyond a file's own costs a sales reload
(`StaleItemLines.remove`, run on every sales load): function calls (cProfile, repeatable under
load) and statements of the removal alone, beside those of the whole reload.

    PYTHONPATH=$PWD .venv/bin/python bench/stale_item_lines.py [INVOICES] [ITEMS]

A sales file of INVOICES invoices of ITEMS item rows each is loaded, then reloaded under the
profiler; then the removal is run alone on the same rows (alone, it reads the stored lines of
the file's invoices itself: in a load it shares the invoice-date check's read,
`store/ingest/kinds/stored_invoices.py`, and a load with nothing stale deletes nothing).
SQLite in a temporary folder, or DATABASE_URL (a database of its own: it is migrated and
written).
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

from sqlalchemy import event

from settings import normalize_database_url
from store.engine import create_engine
from store.ingest import IngestKind, ingest_file
from store.ingest.kinds.stale_item_lines import StaleItemLines
from store.migrate import migrate

DAY = dt.date(2024, 4, 1)


def _file(folder: Path, invoices: int, items: int) -> tuple[Path, list[tuple[Any, ...]]]:
    path = folder / "sales.csv"
    lines = ["Date,Customer,Invoice No,Amount"]
    rows: list[tuple[Any, ...]] = []
    for number in range(invoices):
        day = DAY + dt.timedelta(days=number % 90)
        for line in range(1, items + 1):
            lines.append(f"{day.isoformat()},C{number % 500},INV-{number},{line}00.00")
            rows.append((f"C{number % 500}", day, f"INV-{number}", line))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, rows


def _calls(profile: cProfile.Profile) -> int:
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


async def _run(url: str, folder: Path, invoices: int, items: int) -> None:
    engine = create_engine(url)
    await migrate(engine)
    path, rows = _file(folder, invoices, items)
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="bench")
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    profile = cProfile.Profile()
    profile.enable()
    await ingest_file(engine, kind=IngestKind.SALES, path=path, app="bench")
    profile.disable()
    reload_calls, reload_statements = _calls(profile), statements
    statements = 0
    profile = cProfile.Profile()
    async with engine.begin() as connection:
        profile.enable()
        removed = await StaleItemLines(rows).remove(connection)
        profile.disable()
    print(f"{invoices} invoices x {items} items, {engine.dialect.name}")
    print(f"reload:  {reload_calls:,} calls, {reload_statements} statements")
    print(f"removal: {_calls(profile):,} calls, {statements} statements, {removed} removed")
    await engine.dispose()


def main() -> None:
    invoices = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with tempfile.TemporaryDirectory() as folder:
        given = os.environ.get("DATABASE_URL")
        url = normalize_database_url(given) if given else f"sqlite+aiosqlite:///{folder}/bench.db"
        asyncio.run(_run(url, Path(folder), invoices, items))


if __name__ == "__main__":
    main()
