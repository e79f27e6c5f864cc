"""Python calls of reading an export's rows (no database): how many a line of a plain ledger
and of a Tally ledger whose Particulars span two cells (`To | Sales Account`) cost, counted
by cProfile, which the machine's load does not move.

    PYTHONPATH=$PWD .venv/bin/python bench/export_reading_calls.py [--rows N]

It writes both files to a temporary folder, reads each once to warm the caches, then counts
the calls of a second read.
"""

from __future__ import annotations

import cProfile
import pstats
import tempfile
from pathlib import Path

import typer

from store.ingest.kinds.base import IngestOptions
from store.ingest.kinds.ledger import LOADER
from store.ingest.progress import NoProgress
from store.ingest.reading import TableReader, open_table_file


def _write(folder: Path, rows: int) -> dict[str, Path]:
    plain = folder / "plain.csv"
    two_cells = folder / "two_cells.csv"
    with plain.open("w", encoding="utf-8") as file:
        file.write("Date,Party,Vch Type,Vch No.,Debit,Credit\n")
        for index in range(rows):
            file.write(f"{1 + index % 28}-Apr-2024,C{index % 500},Sales,S/{index},100.00,\n")
    with two_cells.open("w", encoding="utf-8") as file:
        file.write("Ledger: Sharma Electricals\nDate,Particulars,,Vch Type,Vch No.,Debit,Credit\n")
        for index in range(rows):
            file.write(f"{1 + index % 28}-Apr-2024,To,Sales Account,Sales,S/{index},100.00,\n")
    return {"plain": plain, "two cells": two_cells}


def _read(path: Path) -> int:
    assert LOADER.guess_columns is not None
    matcher = LOADER.guess_columns(IngestOptions())
    table = open_table_file(
        path,
        header_score=matcher.header_score,
        content_guess=matcher.content_guess,
        fallback_encoding=True,
    )
    return sum(1 for _row in TableReader(table, matcher, NoProgress()))


def main(rows: int = typer.Option(20_000, "--rows", help="lines per file")) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, path in _write(Path(folder), rows).items():
            _read(path)
            profile = cProfile.Profile()
            profile.enable()
            read = _read(path)
            profile.disable()
            calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
            print(f"{name}: {read:,} rows, {calls:,} calls, {calls / read:.2f} a row")


if __name__ == "__main__":
    typer.run(main)
