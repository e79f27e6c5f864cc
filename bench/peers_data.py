"""The benchmark's data set, built once per store through `profiling ingest` and reused.

1,000 accounts x 10 metrics x 12 months (120,000 metric values) in ten industries, written as
CSV files and loaded by the project's own ingest command, so the rows are exactly what a user's
files would give. A store that already holds exactly these counts is reused.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

REPOSITORY = Path(__file__).resolve().parent.parent
ACCOUNTS = 1_000
METRICS = 10
INDUSTRIES = 10
MONTHS = [f"2023-{month:02d}-01" for month in range(1, 13)]
VALUES = ACCOUNTS * METRICS * len(MONTHS)
UNITS = ("minutes", "EUR", "percent", "count", "hours")
# The schema PostGraphile serves: views over the project's tables, nothing else.
POSTGRAPHILE_SCHEMA = "postgraphile_peers"


def account_id(number: int) -> str:
    return f"acc-{number:05d}"


@dataclass(frozen=True)
class Counts:
    accounts: int
    values: int

    @property
    def complete(self) -> bool:
        return self.accounts == ACCOUNTS and self.values == VALUES


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)


def write_files(folder: Path) -> list[tuple[str, Path]]:
    """The four files, in the order they must be loaded (each refers to the ones before)."""
    files = [
        (
            "definitions",
            folder / "definitions.csv",
            ["name", "unit", "aggregation"],
            [[f"metric_{m:02d}", UNITS[m % len(UNITS)], "mean"] for m in range(METRICS)],
        ),
        (
            "industries",
            folder / "industries.csv",
            ["industry_id", "name"],
            [[f"ind-{i}", f"Industry {i}"] for i in range(INDUSTRIES)],
        ),
        (
            "accounts",
            folder / "accounts.csv",
            ["account_id", "name", "industry"],
            [[account_id(a), f"Account {a}", f"ind-{a % INDUSTRIES}"] for a in range(ACCOUNTS)],
        ),
        (
            "metrics",
            folder / "metrics.csv",
            ["level", "entity_id", "metric_name", "effective_date", "value"],
            [
                [
                    "account",
                    account_id(a),
                    f"metric_{m:02d}",
                    month,
                    f"{(a * 37 + m * 11 + n * 7) % 9973}.{(a + m + n) % 100:02d}",
                ]
                for a in range(ACCOUNTS)
                for m in range(METRICS)
                for n, month in enumerate(MONTHS)
            ],
        ),
    ]
    for _kind, path, header, rows in files:
        _write_csv(path, header, rows)
    return [(kind, path) for kind, path, _header, _rows in files]


def ingest(database_url: str, files: list[tuple[str, Path]]) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(REPOSITORY)}
    for kind, path in files:
        result = subprocess.run(
            [sys.executable, "-m", "cli.main", "ingest", kind, str(path)],
            cwd=REPOSITORY,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"profiling ingest {kind} failed: {result.stdout}{result.stderr}")


# --- PostgreSQL --------------------------------------------------------------------------------


async def postgres_counts(dsn: str) -> Counts:
    try:
        connection = await asyncpg.connect(dsn)
    except asyncpg.InvalidCatalogNameError:
        return Counts(0, 0)
    try:
        tables = await connection.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_name IN ('account', 'metric_value')"
        )
        if tables != 2:
            return Counts(0, 0)
        return Counts(
            await connection.fetchval("SELECT count(*) FROM account"),
            await connection.fetchval("SELECT count(*) FROM metric_value"),
        )
    finally:
        await connection.close()


async def drop_postgres_database(dsn: str) -> None:
    """Drop the benchmark's database (the ingest creates it again): --rebuild only."""
    name = urlsplit(dsn).path.lstrip("/")
    connection = await asyncpg.connect(dsn, database="postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def create_postgraphile_views(dsn: str) -> None:
    """PostGraphile nests rows through foreign keys; the project's metric_value names its
    entity by (level, entity_id) without one. Two views and smart comments give it the same
    nesting as ours: account -> accountMetricsByAccountId, with the unit joined in as ours has it.
    The views are plain (the planner inlines them), so PostGraphile reads the same index."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            f"""
            CREATE SCHEMA IF NOT EXISTS {POSTGRAPHILE_SCHEMA};
            CREATE OR REPLACE VIEW {POSTGRAPHILE_SCHEMA}.account AS
                SELECT account_id, name FROM public.account;
            CREATE OR REPLACE VIEW {POSTGRAPHILE_SCHEMA}.account_metric AS
                SELECT v.entity_id AS account_id, v.metric_name, v.value, d.unit,
                       v.effective_date
                FROM public.metric_value v
                JOIN public.metric_definition d ON d.name = v.metric_name
                WHERE v.level = 'account';
            COMMENT ON VIEW {POSTGRAPHILE_SCHEMA}.account IS '@primaryKey account_id';
            COMMENT ON VIEW {POSTGRAPHILE_SCHEMA}.account_metric IS
                E'@primaryKey account_id,metric_name,effective_date\\n'
                '@foreignKey (account_id) references {POSTGRAPHILE_SCHEMA}.account (account_id)';
            ANALYZE;
            """
        )
    finally:
        await connection.close()


# --- SQLite ------------------------------------------------------------------------------------


def sqlite_counts(path: Path) -> Counts:
    if not path.exists():
        return Counts(0, 0)
    with sqlite3.connect(path) as connection:
        try:
            accounts = connection.execute("SELECT count(*) FROM account").fetchone()[0]
            values = connection.execute("SELECT count(*) FROM metric_value").fetchone()[0]
        except sqlite3.OperationalError:
            return Counts(0, 0)
    return Counts(int(accounts), int(values))


# --- both --------------------------------------------------------------------------------------


def _build(database_url: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ingest(database_url, write_files(Path(folder)))


async def ensure_postgres(dsn: str, rebuild: bool) -> str:
    """The PostgreSQL store, built unless it already holds the data set; says which."""
    try:
        return await _ensure_postgres(dsn, rebuild)
    except (OSError, asyncpg.PostgresError) as exc:
        raise SystemExit(
            f"PostgreSQL at {dsn} cannot be used ({type(exc).__name__}: {exc}); "
            "--only sqlite measures SQLite alone"
        ) from None


async def _ensure_postgres(dsn: str, rebuild: bool) -> str:
    if rebuild:
        await drop_postgres_database(dsn)
    counts = await postgres_counts(dsn)
    if counts.complete:
        state = "reused"
    else:
        if counts.values:
            await drop_postgres_database(dsn)
        _build(dsn)
        counts = await postgres_counts(dsn)
        if not counts.complete:
            raise SystemExit(f"PostgreSQL holds {counts} after the ingest, not the data set")
        state = "built"
    await create_postgraphile_views(dsn)
    return state


def ensure_sqlite(path: Path, rebuild: bool) -> str:
    if rebuild or (path.exists() and not sqlite_counts(path).complete):
        path.unlink(missing_ok=True)
    if sqlite_counts(path).complete:
        return "reused"
    path.parent.mkdir(parents=True, exist_ok=True)
    _build(f"sqlite+aiosqlite:///{path}")
    counts = sqlite_counts(path)
    if not counts.complete:
        raise SystemExit(f"SQLite holds {counts} after the ingest, not the data set")
    return "built"
