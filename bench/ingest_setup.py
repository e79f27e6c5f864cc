"""The file and databases that `bench/ingest_phases.py` measures a load with: `bench/scale.py`'s
metrics file at --accounts accounts (1,000: 1M values, 89 MB), and a SQLite database and a
PostgreSQL one that hold its definitions, industries and accounts. Copy a database before each
measured load (SQLite: the file; PostgreSQL: `CREATE DATABASE run TEMPLATE ...`).

    PYTHONPATH=$PWD .venv/bin/python bench/ingest_setup.py /tmp/ingest \\
        --postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_ingest_template

`--jsonl` also writes the same values as JSON Lines (metrics.jsonl, each value a JSON number).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--postgres-url", default=None, help="a scratch database, wiped")
    parser.add_argument("--jsonl", action="store_true", help="also write metrics.jsonl")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    size = scale.Size(args.accounts)
    files = scale.write_files(args.folder, size, scale._account_ids(size))
    urls = [f"sqlite+aiosqlite:///{args.folder.resolve() / 'template.db'}"]
    if args.postgres_url:
        urls.append(args.postgres_url)
    for url in urls:
        asyncio.run(scale._fresh(url))
        env = scale._environment(url, size)
        for kind in ("definitions", "industries", "accounts"):
            scale.run_command(["ingest", kind, str(files[kind])], env)
        print(f"{url}: definitions, industries and accounts")
    print(f"{files['metrics']}: {size.values:,} values")
    if args.jsonl:
        jsonl = write_jsonl(files["metrics"])
        print(f"{jsonl}: the same values as JSON Lines")


def write_jsonl(csv_path: Path) -> Path:
    """The metrics CSV as JSON Lines, one object per line, a block of lines at a time."""
    path = csv_path.with_suffix(".jsonl")
    with csv_path.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        names = source.readline().rstrip("\n").split(",")
        value = names.index("value")
        lines: list[str] = []
        for line in source:
            cells = line.rstrip("\n").split(",")
            members = [
                f"{json.dumps(name)}: {cell if index == value else json.dumps(cell)}"
                for index, (name, cell) in enumerate(zip(names, cells, strict=True))
            ]
            lines.append("{" + ", ".join(members) + "}\n")
            if len(lines) >= 10_000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))
    return path


if __name__ == "__main__":
    main()
