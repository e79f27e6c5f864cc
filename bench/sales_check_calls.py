"""Python calls of checking a sales export's lines (no database): the validator's scan and
check passes over a plain register and over a Zoho export with a tenth of its invoices in
USD (converted at their rate), counted by cProfile, which the machine's load does not move.

    PYTHONPATH=$PWD .venv/bin/python bench/sales_check_calls.py [--rows N]

Each file is checked once to warm the caches, then the calls of a second check are counted.
"""

from __future__ import annotations

import cProfile
import pstats
import tempfile
from pathlib import Path

import typer

from settings import SegmentOptions
from store.ingest.kinds.base import IngestOptions
from store.ingest.kinds.sales import LOADER, SalesValidator
from store.ingest.progress import NoProgress
from store.ingest.reading import TableReader, open_table_file


class _Parties:
    """Every party is its own account: the parties' lookups are not what is counted."""

    def resolve(self, party: str, name: str | None) -> str:
        return party

    def customer_column(self, column: str | None) -> None:
        return None


def _write(folder: Path, rows: int) -> dict[str, Path]:
    plain = folder / "plain.csv"
    zoho = folder / "zoho.csv"
    with plain.open("w", encoding="utf-8") as file:
        file.write("Date,Party,Vch No.,Amount\n")
        for index in range(rows):
            file.write(f"{1 + index % 28}-Apr-2024,C{index % 500},S/{index},100.00\n")
    with zoho.open("w", encoding="utf-8") as file:
        file.write(
            "Invoice Date,Invoice Number,Customer ID,Customer Name,Currency Code,"
            "Exchange Rate,Item Total\n"
        )
        for index in range(rows):
            currency, rate = ("USD", "83.25") if index % 10 == 0 else ("INR", "1.00")
            file.write(
                f"2025-04-{1 + index % 28:02d},INV-{index},C{index % 500},Name {index % 500},"
                f"{currency},{rate},100.00\n"
            )
    return {"plain register": plain, "zoho, 10% in USD": zoho}


def _check(path: Path) -> None:
    matcher = LOADER.guess_columns(IngestOptions())  # type: ignore[misc]
    table_file = open_table_file(
        path, header_score=matcher.header_score, content_guess=matcher.content_guess
    )
    validator = SalesValidator(customers=_Parties(), segment=SegmentOptions())  # type: ignore[arg-type]
    for _line, row in TableReader(table_file, matcher, NoProgress()):
        validator.observe(row)
    validator.formats_known(matcher.mapping)
    for line, row in TableReader(table_file, matcher, NoProgress()):
        validator.check(line, row)


def main(rows: int = typer.Option(20_000, help="lines of each file")) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, path in _write(Path(folder), rows).items():
            _check(path)
            profile = cProfile.Profile()
            profile.enable()
            _check(path)
            profile.disable()
            calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
            print(f"{name}: {calls:,} calls, {calls / rows:.1f} a line")


if __name__ == "__main__":
    typer.run(main)
