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

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load_bench import database_of_its_own, run_sizes, timed_load

from store.ingest import IngestKind
from store.jobs.segment import segment_apps

LINES_PER_CUSTOMER = 50
DAYS = 3 * 365
START = dt.date(2021, 1, 1)


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


async def bench(backend: str, url: str, rows: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "sales.csv"
        write_export(path, rows)
        size = path.stat().st_size / 1e6
        async with database_of_its_own(url, folder, "bench_sales") as engine:
            for label in ("load", "reload"):
                report, seconds, phases = await timed_load(engine, IngestKind.SALES, path)
                assert report.rows_written == rows
                detail = ", ".join(f"{name} {value:.1f}s" for name, value in phases.items())
                print(
                    f"{backend:10} {rows:>9,} rows ({size:.0f} MB) {label:6}: {seconds:6.1f}s "
                    f"= {rows / seconds:>8,.0f} rows/s  ({detail})",
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
    run_sizes(__doc__.splitlines()[0], bench)


if __name__ == "__main__":
    main()
