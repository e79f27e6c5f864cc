"""Ingest speed: rows per second of a metrics file, on SQLite and on PostgreSQL.

Generates, in a temporary folder, the entities a metrics file needs and a metrics CSV of
N rows, loads them with `ingest_file`, and prints the time of each phase (reading and
checking, writing) and rows per second, for a first load and for a reload of the same file
(every row then hits ON CONFLICT). PostgreSQL runs when TEST_DATABASE_URL or --database-url
is given, in a schema of its own that is dropped afterwards.

    .venv/bin/python bench/ingest.py                      # 100k and 1M rows
    .venv/bin/python bench/ingest.py --rows 200000 --database-url postgresql://...
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load_bench import database_of_its_own, run_sizes, timed_load

from store.ingest import IngestKind, ingest_file

N_INDUSTRIES = 20
N_ACCOUNTS = 2_000
COMPANIES_PER_ACCOUNT = 2
CONTRACTS_PER_COMPANY = 2
N_METRICS = 20
N_MONTHS = 60
LEVELS = ("account", "company", "contract", "industry")


def _write_csv(path: Path, header: list[str], rows: Iterator[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)


def _entity_ids() -> dict[str, list[str]]:
    accounts = [f"A{i:05d}" for i in range(N_ACCOUNTS)]
    companies = [f"{a}-C{j}" for a in accounts for j in range(COMPANIES_PER_ACCOUNT)]
    contracts = [f"{c}-K{k}" for c in companies for k in range(CONTRACTS_PER_COMPANY)]
    industries = [f"industry-{i:02d}" for i in range(N_INDUSTRIES)]
    return {
        "account": accounts,
        "company": companies,
        "contract": contracts,
        "industry": industries,
    }


def write_files(folder: Path, rows: int) -> dict[IngestKind, Path]:
    ids = _entity_ids()
    industries = ids["industry"]
    files = {
        IngestKind.DEFINITIONS: folder / "definitions.csv",
        IngestKind.INDUSTRIES: folder / "industries.csv",
        IngestKind.ACCOUNTS: folder / "accounts.csv",
        IngestKind.COMPANIES: folder / "companies.csv",
        IngestKind.CONTRACTS: folder / "contracts.csv",
        IngestKind.METRICS: folder / "metrics.csv",
    }
    _write_csv(
        files[IngestKind.DEFINITIONS],
        ["name", "unit"],
        iter([f"metric_{m:02d}", "EUR" if m % 2 else "minutes"] for m in range(N_METRICS)),
    )
    _write_csv(
        files[IngestKind.INDUSTRIES], ["industry_id", "name"], iter([i, i] for i in industries)
    )
    _write_csv(
        files[IngestKind.ACCOUNTS],
        ["account_id", "name", "industry"],
        iter([a, a, industries[n % N_INDUSTRIES]] for n, a in enumerate(ids["account"])),
    )
    _write_csv(
        files[IngestKind.COMPANIES],
        ["company_id", "account_id", "name"],
        iter([c, c.split("-")[0], c] for c in ids["company"]),
    )
    _write_csv(
        files[IngestKind.CONTRACTS],
        ["contract_id", "company_id", "name", "start_date"],
        iter([k, k.rsplit("-", 1)[0], k, "2020-01-01"] for k in ids["contract"]),
    )
    entities = [(level, entity) for level in LEVELS for entity in ids[level]]
    combinations = len(entities) * N_METRICS * N_MONTHS
    if rows > combinations:
        raise SystemExit(f"at most {combinations} distinct metric rows with these entities")
    randomness = random.Random(1)

    def metric_rows() -> Iterator[list[str]]:
        # Walk the (month, metric, entity) grid so that every row has its own key.
        for n in range(rows):
            level, entity = entities[n % len(entities)]
            metric = (n // len(entities)) % N_METRICS
            month = n // (len(entities) * N_METRICS)
            year, month_index = divmod(month, 12)
            value = f"{randomness.uniform(-1e6, 1e6):.2f}"
            date = f"{2020 + year}-{month_index + 1:02d}-{1 + n % 28:02d}"
            yield [level, entity, f"metric_{metric:02d}", date, value]

    _write_csv(
        files[IngestKind.METRICS],
        ["level", "entity_id", "metric_name", "effective_date", "value"],
        metric_rows(),
    )
    return files


async def bench(backend: str, url: str, rows: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        files = write_files(folder, rows)
        size = files[IngestKind.METRICS].stat().st_size / 1e6
        async with database_of_its_own(url, folder, "bench_ingest") as engine:
            for kind, path in files.items():
                if kind is not IngestKind.METRICS:
                    await ingest_file(engine, kind=kind, path=path)
            for label in ("load", "reload"):
                report, seconds, phases = await timed_load(
                    engine, IngestKind.METRICS, files[IngestKind.METRICS]
                )
                assert report.rows_written > 0
                detail = ", ".join(f"{name} {value:.1f}s" for name, value in phases.items())
                print(
                    f"{backend:10} {rows:>9,} rows ({size:.0f} MB) {label:6}: {seconds:6.1f}s "
                    f"= {rows / seconds:>9,.0f} rows/s  ({detail})",
                    flush=True,
                )


def main() -> None:
    run_sizes(__doc__.splitlines()[0], bench)


if __name__ == "__main__":
    main()
