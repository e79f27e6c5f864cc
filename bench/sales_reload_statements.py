"""The statements and Python calls of a sales load's work on the stored lines of its own
invoices: the invoice-date check (`store/ingest/kinds/invoice_dates.py`), the re-dating of
moved invoices (`invoice_moves.py`), the gross amounts of a Day Book (`taxed_amounts.py`) and
the removal of stale item lines (`stale_item_lines.py`). Each used to read (or delete) through
`store.ingest.keyed_rows`, a thousand invoices per statement; they now share one read
(`stored_invoices.py`). Counts, not times: they do not move with the machine's load.

    PYTHONPATH=$PWD .venv/bin/python bench/sales_reload_statements.py [--daybook|--ledger] 10 999

For each size, a file of one invoice per customer is loaded (the first load) and loaded again
(the reload), each counted: every statement, the keyed reads of `sale_line` (SELECTs by
invoice key), the DELETEs of `sale_line`, and the Python calls of the whole
load (cProfile). `--daybook` writes the file as a Tally Day Book (its amounts include tax, so
the gross-amount check runs too); `--ledger` loads it as a ledger (one invoice entry each,
`ledger_entry` counted). SQLite in a temporary folder, or DATABASE_URL (a database
of its own: it is migrated and written; its sale lines are removed first).
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event

from settings import normalize_database_url
from store.engine import create_engine
from store.ingest import IngestKind, ingest_file
from store.migrate import migrate
from store.tables import METADATA

_DAY_BOOK = "Kaveri Distributors Pvt. Ltd.\nDay Book\n1-Apr-2024 to 30-Apr-2024\n\n"


def _file(folder: Path, customers: int, daybook: bool, ledger: bool = False) -> Path:
    path = folder / "sales.csv"
    if ledger:
        text = "Date,Customer,Kind,Invoice,Amount\n" + "".join(
            f"2024-04-{1 + i % 28:02d},C{i},invoice,INV-{i},10.00\n" for i in range(customers)
        )
    elif daybook:
        text = _DAY_BOOK + "Date,Particulars,Vch Type,Vch No.,Debit Amount,Credit Amount\n"
        text += "".join(
            f"{1 + i % 28}-Apr-2024,C{i},Sales,INV-{i},118.00,\n" for i in range(customers)
        )
    else:
        text = "Customer,Date,Invoice,Amount\n" + "".join(
            f"C{i},2024-04-{1 + i % 28:02d},INV-{i},10.00\n" for i in range(customers)
        )
    path.write_text(text)
    return path


def _kind(statement: str, table: str) -> str | None:
    text = " ".join(statement.split())
    if text.startswith(f"DELETE FROM {table}"):
        return "deletes"
    # Read by invoice key: `(sale_line.account_id, sale_line.invoice) IN (...)` (not the
    # write's own comparison by account and dates, nor the segments' read).
    _select, _from, where = text.partition(f"FROM {table} WHERE")
    if text.startswith("SELECT") and f"({table}.account_id, {table}." in where:
        return "keyed reads"
    return None


async def _load(engine: Any, path: Path, ledger: bool) -> tuple[int, dict[str, int], int]:
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    profile = cProfile.Profile()
    profile.enable()
    kind = IngestKind.LEDGER if ledger else IngestKind.SALES
    await ingest_file(engine, kind=kind, path=path, app="bench")
    profile.disable()
    event.remove(engine.sync_engine, "before_cursor_execute", record)
    kinds: dict[str, int] = {"keyed reads": 0, "deletes": 0}
    table = "ledger_entry" if ledger else "sale_line"
    for statement in seen:
        which = _kind(statement, table)
        if which is not None:
            kinds[which] += 1
    calls = int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]
    return len(seen), kinds, calls


async def _run(url: str, folder: Path, customers: int, daybook: bool, ledger: bool) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine)
        async with engine.begin() as connection:
            await connection.execute(delete(METADATA.tables["sale_line"]))
            await connection.execute(delete(METADATA.tables["ledger_entry"]))
        path = _file(folder, customers, daybook, ledger)
        table = "ledger_entry" if ledger else "sale_line"
        for which in ("first load", "reload"):
            statements, kinds, calls = await _load(engine, path, ledger)
            print(
                f"{customers:>6} invoices, {which:>10}: {statements} statements "
                f"({kinds['keyed reads']} keyed reads of {table}, {kinds['deletes']} deletes), "
                f"{calls:,} calls"
            )
    finally:
        await engine.dispose()


def main(arguments: list[str]) -> None:
    daybook = "--daybook" in arguments
    ledger = "--ledger" in arguments
    sizes = [int(argument) for argument in arguments if not argument.startswith("--")]
    for customers in sizes or [10, 999, 2500]:
        with tempfile.TemporaryDirectory() as folder:
            given = os.environ.get("DATABASE_URL")
            url = normalize_database_url(given) if given else f"sqlite+aiosqlite:///{folder}/b.db"
            asyncio.run(_run(url, Path(folder), customers, daybook, ledger))


if __name__ == "__main__":
    main(sys.argv[1:])
