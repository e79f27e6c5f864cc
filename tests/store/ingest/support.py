"""Helpers of the ingest tests: write files in each accepted format, read tables back."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestReport, ingest_file
from store.tables import METADATA

# How a test file is written: CSV with one of the three delimiters, or JSON Lines.
FORMATS = ("comma", "semicolon", "tab", "jsonl")
_DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}
TABLES = ("app", "industry", "account", "company", "contract", "metric_definition", "metric_value")


def write_file(
    folder: Path,
    name: str,
    file_format: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> Path:
    """Rows under a header, as CSV (values as text) or JSON Lines (values as JSON values;
    None leaves the key out)."""
    if file_format == "jsonl":
        path = folder / f"{name}.jsonl"
        lines = [
            json.dumps(
                {key: value for key, value in zip(header, row, strict=True) if value is not None}
            )
            for row in rows
        ]
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        return path
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=_DELIMITERS[file_format])
        writer.writerow(header)
        writer.writerows(["" if value is None else value for value in row] for row in rows)
    return path


def write_text(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def load(engine: AsyncEngine, kind: IngestKind, path: Path, **options: Any) -> IngestReport:
    return await ingest_file(engine, kind=kind, path=path, **options)


async def load_text(
    engine: AsyncEngine, folder: Path, kind: IngestKind, text: str, name: str | None = None
) -> IngestReport:
    path = write_text(folder, name or f"{kind}.csv", text)
    return await ingest_file(engine, kind=kind, path=path)


async def table_rows(engine: AsyncEngine, name: str) -> list[tuple[Any, ...]]:
    table = METADATA.tables[name]
    async with engine.connect() as connection:
        result = await connection.execute(select(table))
        return sorted(tuple(row) for row in result)


async def all_tables(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    return {name: await table_rows(engine, name) for name in TABLES}


async def seed_entities(engine: AsyncEngine, folder: Path) -> None:
    """Definitions, industries, accounts, companies and contracts for the metrics tests."""
    texts: Mapping[IngestKind, str] = {
        IngestKind.DEFINITIONS: "name,unit\nrevenue,EUR\nhandling_time,minutes\n",
        IngestKind.INDUSTRIES: "industry_id,name\nretail,Retail\nenergy,Energy\n",
        IngestKind.ACCOUNTS: "account_id,name,industry\nA1,Acme,retail\nA2,Beta,energy\n",
        IngestKind.COMPANIES: "company_id,account_id,name\nC1,A1,Acme North\nC2,A2,Beta\n",
        IngestKind.CONTRACTS: "contract_id,company_id,name\nK1,C1,Support\n",
    }
    for kind, text in texts.items():
        await load_text(engine, folder, kind, text, name=f"seed_{kind}.csv")
