"""Shapes of SQLite's stage of a metric load, on the bare `sqlite3` module: the stage's inserts
(executemany, 10,000 rows at a time), its index, the copy into `metric_value` (secondary indexes
dropped first), their rebuild and the commit, CPU of each; one shape per run.

    PYTHONPATH=$PWD .venv/bin/python bench/ingest_stage_shapes.py FOLDER SHAPE [ROWS]

FOLDER is `bench/ingest_setup.py`'s (metrics.csv and template.db, copied to FOLDER/shape.db).
Shapes: A (entity number, metric and month texts, line: the stage before integer keys), B (entity,
metric and month numbers, line), C (one integer of all three, the line as rowid), D (entity
number and one integer of metric and month, the line as rowid: what the loader stages now).
Under callgrind, `--toggle-collect=sqlite3_step` counts SQLite's own instructions.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import resource
import shutil
import sqlite3
import sys
from pathlib import Path

_COPY = "INSERT INTO metric_value (level, entity_id, metric_name, effective_date, value) SELECT "
_TEXTS = (
    "CROSS JOIN en AS e ON e.code = s.entity CROSS JOIN mn ON mn.code = {metric} "
    "CROSS JOIN mo ON mo.code = {month}"
)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(folder: Path, shape: str, limit: int) -> None:
    with (folder / "metrics.csv").open() as source:
        reader = csv.reader(source)
        next(reader)
        rows = [row for _, row in zip(range(limit), reader, strict=False)]
    entity = {e: i for i, e in enumerate(sorted({row[1] for row in rows}))}
    metric = {m: i for i, m in enumerate(sorted({row[2] for row in rows}))}
    ordinal = {d: dt.date.fromisoformat(d).toordinal() for d in {row[3] for row in rows}}
    db = folder / "shape.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(folder / "template.db", db)
    c = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        c.execute(f"PRAGMA {pragma}")
    c.execute("BEGIN")
    data: list[tuple[object, ...]]
    if shape == "A":
        c.execute(
            "CREATE TEMP TABLE st (entity INTEGER NOT NULL, metric_name TEXT NOT NULL,"
            " effective_date TEXT NOT NULL, value TEXT NOT NULL, line INTEGER NOT NULL)"
        )
        data = [(entity[r[1]], r[2], r[3], r[4], i + 2) for i, r in enumerate(rows)]
        insert = "INSERT INTO st VALUES (?, ?, ?, ?, ?)"
        index = "CREATE INDEX st_key ON st (entity, metric_name, effective_date, line, value)"
        copy = (
            f"{_COPY}e.level, e.entity_id, s.metric_name, s.effective_date, s.value FROM st AS s "
            "CROSS JOIN en AS e ON e.code = s.entity WHERE true "
            "ORDER BY s.entity, s.metric_name, s.effective_date"
        )
    elif shape == "B":
        c.execute(
            "CREATE TEMP TABLE st (entity INTEGER NOT NULL, metric INTEGER NOT NULL,"
            " month INTEGER NOT NULL, value TEXT NOT NULL, line INTEGER NOT NULL)"
        )
        data = [
            (entity[r[1]], metric[r[2]], ordinal[r[3]], r[4], i + 2) for i, r in enumerate(rows)
        ]
        insert = "INSERT INTO st VALUES (?, ?, ?, ?, ?)"
        index = "CREATE INDEX st_key ON st (entity, metric, month, line, value)"
        texts = _TEXTS.format(metric="s.metric", month="s.month")
        copy = (
            f"{_COPY}e.level, e.entity_id, mn.name, mo.iso, s.value FROM st AS s {texts} "
            "WHERE true ORDER BY s.entity, s.metric, s.month"
        )
    elif shape == "C":
        c.execute(
            "CREATE TEMP TABLE st (line INTEGER PRIMARY KEY, key INTEGER NOT NULL, value TEXT)"
        )
        data = [
            (i + 2, (entity[r[1]] << 8 | metric[r[2]]) << 24 | ordinal[r[3]], r[4])
            for i, r in enumerate(rows)
        ]
        insert = "INSERT INTO st VALUES (?, ?, ?)"
        index = "CREATE INDEX st_key ON st (key, value)"
        texts = _TEXTS.format(metric="(s.key >> 24) & 255", month="s.key & 16777215").replace(
            "e.code = s.entity", "e.code = s.key >> 32"
        )
        copy = (
            f"{_COPY}e.level, e.entity_id, mn.name, mo.iso, s.value FROM st AS s {texts} "
            "WHERE true ORDER BY s.key"
        )
    else:
        c.execute(
            "CREATE TEMP TABLE st (line INTEGER PRIMARY KEY, entity INTEGER NOT NULL,"
            " key INTEGER NOT NULL, value TEXT NOT NULL)"
        )
        data = [
            (i + 2, entity[r[1]], metric[r[2]] << 22 | ordinal[r[3]], r[4])
            for i, r in enumerate(rows)
        ]
        insert = "INSERT INTO st VALUES (?, ?, ?, ?)"
        index = "CREATE INDEX st_key ON st (entity, key, value)"
        texts = _TEXTS.format(metric="s.key >> 22", month="s.key & 4194303")
        copy = (
            f"{_COPY}e.level, e.entity_id, mn.name, mo.iso, s.value FROM st AS s {texts} "
            "WHERE true ORDER BY s.entity, s.key"
        )
    c.execute("CREATE TEMP TABLE en (code INTEGER PRIMARY KEY, level TEXT, entity_id TEXT)")
    c.execute("CREATE TEMP TABLE mn (code INTEGER PRIMARY KEY, name TEXT)")
    c.execute("CREATE TEMP TABLE mo (code INTEGER PRIMARY KEY, iso TEXT)")
    times: dict[str, float] = {}
    start = _cpu()
    for first in range(0, len(data), 10_000):
        c.executemany(insert, data[first : first + 10_000])
    times["insert"] = _cpu() - start
    c.executemany("INSERT INTO en VALUES (?, ?, ?)", [(v, "account", e) for e, v in entity.items()])
    c.executemany("INSERT INTO mn VALUES (?, ?)", [(v, m) for m, v in metric.items()])
    c.executemany("INSERT INTO mo VALUES (?, ?)", [(v, d) for d, v in ordinal.items()])
    start = _cpu()
    c.execute(index)
    times["index"] = _cpu() - start
    indexes = list(
        c.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'metric_value' AND sql IS NOT NULL"
        )
    )
    start = _cpu()
    for name, _sql in indexes:
        c.execute(f'DROP INDEX "{name}"')
    c.execute(copy)
    times["copy"] = _cpu() - start
    start = _cpu()
    for _name, sql in indexes:
        c.execute(sql)
    times["rebuild"] = _cpu() - start
    start = _cpu()
    c.execute("COMMIT")
    times["commit"] = _cpu() - start
    figures = " ".join(f"{name} {seconds:.2f}" for name, seconds in times.items())
    print(
        f"{shape} {len(rows):,} rows: {figures} total {sum(times.values()):.2f} s CPU,"
        f" load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 10**9)
