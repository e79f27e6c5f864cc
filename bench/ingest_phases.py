"""Where the time of a metric file's load goes: each phase of `ingest_file`, its wall time and
this process's CPU, and on PostgreSQL the CPU of the load's server process.

    PYTHONPATH=$PWD .venv/bin/python bench/ingest_phases.py metrics.csv
    PYTHONPATH=$PWD .venv/bin/python bench/ingest_phases.py metrics.csv --read-only

`--read-only` times reading and checking the file (nothing staged): one row at a time, then a
block at a time by column as the load does; the database only gives the entities and units.

DATABASE_URL names a database that already holds the file's definitions and entities (and no
values of its months, for the first load's path). The server's CPU is read from
/proc/<pg_backend_pid>/stat: the server must run on this machine.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from settings import SegmentOptions
from store.engine import create_engine
from store.ingest import IngestKind, staging
from store.ingest.blocks import ColumnBlock
from store.ingest.columns import ColumnMatcher
from store.ingest.entry import STAGE_CHUNK_ROWS, ingest_file
from store.ingest.kinds import metrics
from store.ingest.kinds.base import IngestOptions
from store.ingest.progress import NoProgress
from store.ingest.reading import TableReader, open_table_file

_PHASES = (
    "add",
    "add_columns",
    "finish_loading",
    "duplicates",
    "changes",
    "write_if_all_new",
    "write",
    "drop",
)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Phases:
    def __init__(self) -> None:
        # phase -> [wall s, CPU s, server CPU s, calls]
        self.totals: dict[str, list[float]] = {}

    def timed(self, name: str, method: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
        async def run(stage: staging.MetricStage, *args: Any) -> Any:
            pid = None
            if stage.connection.dialect.name == "postgresql":
                found = await stage.connection.exec_driver_sql("SELECT pg_backend_pid()")
                pid = int(found.scalar_one())
            server = _server_cpu(pid) if pid else 0.0
            wall, cpu = time.perf_counter(), _cpu()
            result = await method(stage, *args)
            total = self.totals.setdefault(name, [0.0, 0.0, 0.0, 0.0])
            total[0] += time.perf_counter() - wall
            total[1] += _cpu() - cpu
            total[2] += (_server_cpu(pid) - server) if pid else 0.0
            total[3] += 1
            return result

        return run


async def read_only(path: Path) -> None:
    """CPU of reading and checking the file, row by row and by blocks, without staging."""
    engine = create_engine(os.environ["DATABASE_URL"])
    options = IngestOptions(app=None, columns={}, segment=SegmentOptions())
    for way in ("rows", "blocks"):
        async with engine.connect() as connection:
            validator = await metrics.LOADER.prepare(connection, options)
        assert isinstance(validator, metrics.MetricsValidator)
        reader = TableReader(open_table_file(path), ColumnMatcher(metrics.COLUMNS), NoProgress())
        cpu = time.process_time()
        if way == "rows":
            for line, row in reader:
                validator.check(line, row)
                validator.take_staged()
        else:
            for block in reader.blocks(STAGE_CHUNK_ROWS):
                if isinstance(block, ColumnBlock):
                    if validator.stage_block(block) is not None:
                        continue
                    block = block.records()
                for line, row in block:
                    validator.check(line, row)
                validator.take_staged()
        print(f"{way:7} {validator.rows:,} rows checked: {time.process_time() - cpu:.2f} s CPU")
    await engine.dispose()


async def main(path: Path) -> None:
    phases = Phases()
    for name in _PHASES:
        if hasattr(staging.MetricStage, name):
            setattr(
                staging.MetricStage, name, phases.timed(name, getattr(staging.MetricStage, name))
            )
    engine = create_engine(os.environ["DATABASE_URL"])
    wall, cpu = time.perf_counter(), _cpu()
    try:
        report = await ingest_file(engine, kind=IngestKind.METRICS, path=path)
    finally:
        await engine.dispose()
    print(f"{report.rows_written:,} values: {report.changes}")
    print(f"{'phase':18} {'calls':>6} {'wall s':>8} {'CPU s':>8} {'server CPU s':>13}")
    for name, (seconds, used, server, calls) in phases.totals.items():
        print(f"{name:18} {calls:6.0f} {seconds:8.2f} {used:8.2f} {server:13.2f}")
    print(f"{'whole load':18} {'':6} {time.perf_counter() - wall:8.2f} {_cpu() - cpu:8.2f}")
    print("load average", " ".join(f"{load:.2f}" for load in os.getloadavg()))


if __name__ == "__main__":
    if "--read-only" in sys.argv[2:]:
        asyncio.run(read_only(Path(sys.argv[1])))
    else:
        asyncio.run(main(Path(sys.argv[1])))
