"""Python calls of a whole ledger load (SQLite, one transaction), of a file in one currency
and of the same file with currency columns (a third of its lines in USD at 83.25, converted at
their rate), counted by cProfile, which the machine's load does not move.

    PYTHONPATH=$PWD .venv/bin/python bench/ledger_currency_calls.py [--rows N]
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import tempfile
from pathlib import Path

import typer

from store.engine import create_engine
from store.ingest import IngestKind, ingest_file
from store.migrate import migrate


def _write(path: Path, rows: int, *, currency: bool) -> None:
    header = "Date,Type,Customer,Amount" + (",Currency Code,Exchange Rate" if currency else "")
    lines = [header]
    for n in range(rows):
        kind = "Invoice" if n % 2 == 0 else "Payment"
        rate = (",USD,83.25" if n % 3 == 0 else ",INR,1") if currency else ""
        day = f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        lines.append(f"{day},{kind},C{n % 500},{100 + n % 7}.00{rate}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def _calls(rows: int, *, currency: bool) -> int:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{folder}/bench.db")
        await migrate(engine)
        path = Path(folder) / "ledger.csv"
        _write(path, rows, currency=currency)
        profile = cProfile.Profile()
        profile.enable()
        await ingest_file(engine, kind=IngestKind.LEDGER, path=path, app="bench")
        profile.disable()
        await engine.dispose()
        return pstats.Stats(profile).total_calls  # type: ignore[attr-defined, no-any-return]


def main(rows: int = typer.Option(20_000, help="lines of the ledger")) -> None:
    for currency in (False, True):
        calls = asyncio.run(_calls(rows, currency=currency))
        shape = "with currency columns" if currency else "in one currency"
        print(f"ledger of {rows:,} lines {shape}: {calls:,} calls ({calls / rows:.1f} a line)")


if __name__ == "__main__":
    typer.run(main)
