"""Sales analytics speed: ingest rows per second of a sales export, and segmentation time.

Generates, in a temporary folder, a semicolon-separated sales export of N lines the way
accounting software writes them (a title above the header, `dd/mm/yyyy` dates, amounts with
thousands separators, invoice numbers of one to three lines, a cost column) for N / 50
customers over three years, loads it with `ingest_file` (which recomputes the app's segments
in the same transaction), and prints the time of each phase and rows per second; then times
`segment_apps` on its own (the `profiling segment` job). PostgreSQL runs when
TEST_DATABASE_URL or --database-url is given, in a schema of its own that is dropped afterwards.

    .venv/bin/python bench/sales.py                      # 100k and 1M rows
    .venv/bin/python bench/sales.py --rows 200000 --database-url postgresql://...
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from settings import normalize_database_url
from store.engine import create_engine
from store.ingest import IngestKind, ingest_file
from store.jobs.segment import segment_apps
from store.migrate import migrate

LINES_PER_CUSTOMER = 50
DAYS = 3 * 365
START = dt.date(2021, 1, 1)


class PhaseClock:
    """An IngestProgress that notes when each phase starts."""

    def __init__(self) -> None:
        self.starts: list[tuple[str, float]] = []

    def start(self, phase: str, total: int | None = None) -> None:
        self.starts.append((phase.split()[0].lower(), time.perf_counter()))

    def advance(self, amount: int) -> None:
        pass


def write_export(path: Path, rows: int) -> None:
    rng = random.Random(1)
    customers = [f"{n:06d}" for n in range(max(rows // LINES_PER_CUSTOMER, 1))]
    # A few customers buy much more than the rest, as in every customer base.
    weights = [rng.paretovariate(1.2) for _ in customers]
    with path.open("w", encoding="utf-8") as file:
        file.write("Sales Register\n\nVoucher Date;Party Code;Vch No.;Qty;Net Amount;Cost\n")
        written = invoice = 0
        while written < rows:
            invoice += 1
            customer = rng.choices(customers, weights)[0]
            day = START + dt.timedelta(days=rng.randrange(DAYS))
            for _line in range(min(rng.randint(1, 3), rows - written)):
                amount = rng.lognormvariate(7, 1.2)
                cost = amount * rng.uniform(0.55, 0.9)
                file.write(
                    f"{day:%d/%m/%Y};{customer};INV-{invoice:07d};{rng.randint(1, 20)};"
                    f'"{amount:,.2f}";{cost:.2f}\n'
                )
                written += 1


@asynccontextmanager
async def _database(url: str, folder: Path) -> AsyncIterator[AsyncEngine]:
    if url == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
        await migrate(engine)
        yield engine
        await engine.dispose()
        return
    schema = f"bench_sales_{os.getpid()}"
    url = normalize_database_url(url)
    admin = create_engine(url)
    async with admin.begin() as connection:
        await connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        await migrate(engine)
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


async def bench(backend: str, url: str, rows: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "sales.csv"
        write_export(path, rows)
        size = path.stat().st_size / 1e6
        async with _database(url, folder) as engine:
            for label in ("load", "reload"):
                clock = PhaseClock()
                started = time.perf_counter()
                report = await ingest_file(engine, kind=IngestKind.SALES, path=path, progress=clock)
                ended = time.perf_counter()
                marks = [*clock.starts, ("end", ended)]
                phases = ", ".join(
                    f"{phase} {marks[i + 1][1] - at:.1f}s"
                    for i, (phase, at) in enumerate(marks[:-1])
                )
                assert report.rows_written == rows
                seconds = ended - started
                print(
                    f"{backend:10} {rows:>9,} rows ({size:.0f} MB) {label:6}: {seconds:6.1f}s "
                    f"= {rows / seconds:>8,.0f} rows/s  ({phases})",
                    flush=True,
                )
            started = time.perf_counter()
            async with engine.begin() as connection:
                [result] = await segment_apps(connection)
            seconds = time.perf_counter() - started
            print(
                f"{backend:10} {rows:>9,} rows segment: {seconds:6.1f}s  "
                f"({result.accounts_with_sales:,} accounts, {result.quarters} quarters)",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    backends = [] if args.skip_sqlite else [("sqlite", "sqlite")]
    if args.database_url:
        backends.append(("postgresql", args.database_url))
    for rows in args.rows:
        for backend, url in backends:
            asyncio.run(bench(backend, url, rows))


if __name__ == "__main__":
    main()
