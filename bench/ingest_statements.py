"""Where the database's time of a metric file's load goes: every SQL statement `ingest_file`
runs, with its wall time and, on PostgreSQL, the CPU of the load's server process, grouped by
statement (dates, months and partition names folded), the slowest first. The COPY of the
stage's blocks goes around SQLAlchemy: `bench/ingest_phases.py` times it (`add_columns`).
The scripts that make, index and attach a load's new month partitions (`_run_script`, one
round trip each) are run here a statement at a time, so that each is timed.

    DATABASE_URL=postgresql+asyncpg://... PYTHONPATH=$PWD .venv/bin/python \\
        bench/ingest_statements.py metrics.csv

DATABASE_URL names a database that already holds the file's definitions and entities
(`bench/ingest_setup.py`); the server's CPU is read from /proc/<pg_backend_pid>/stat, so the
server must run on this machine.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from store.engine import create_engine
from store.ingest import IngestKind, ingest_file, staging

# Literal dates and month partitions' names: the statements of every month as one.
_FOLDED = (
    (re.compile(r"'\d{4}-\d{2}-\d{2}'(?:, '\d{4}-\d{2}-\d{2}')*"), "'<date>'"),
    (
        re.compile(r"metric_value_y\d{4}m\d{2}(?:, metric_value_y\d{4}m\d{2})*"),
        "metric_value_<month>",
    ),
)


def _server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _folded(statement: str) -> str:
    text = " ".join(statement.split())
    for pattern, replacement in _FOLDED:
        text = pattern.sub(replacement, text)
    return text


class Statements:
    def __init__(self) -> None:
        # statement -> [calls, wall s, server CPU s]
        self.totals: dict[str, list[float]] = {}
        self._pids: dict[int, int] = {}

    def watch(self, sync_engine: Any) -> None:
        event.listen(sync_engine, "connect", self._connected)
        event.listen(sync_engine, "before_cursor_execute", self._before)
        event.listen(sync_engine, "after_cursor_execute", self._after)

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        if "asyncpg" in type(dbapi_connection).__module__:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT pg_backend_pid()")
            self._pids[id(dbapi_connection)] = int(cursor.fetchone()[0])
            cursor.close()

    def _pid(self, connection: Any) -> int | None:
        return self._pids.get(id(connection.connection.dbapi_connection))

    def _before(self, connection: Any, _cursor: Any, *_args: Any) -> None:
        pid = self._pid(connection)
        connection.info["bench_started"] = (
            time.perf_counter(),
            _server_cpu(pid) if pid else 0.0,
        )

    def _after(self, connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        wall, server = connection.info.pop("bench_started")
        pid = self._pid(connection)
        self.record(
            statement, time.perf_counter() - wall, (_server_cpu(pid) - server) if pid else 0.0
        )

    def print(self, width: int) -> None:
        print(f"{'calls':>6} {'wall s':>8} {'server CPU s':>13}  statement")
        for text, (calls, wall, server) in sorted(
            self.totals.items(), key=lambda item: -item[1][1]
        ):
            if wall < 0.005:
                continue
            shown = text if len(text) <= width else text[: width - 3] + "..."
            print(f"{calls:6.0f} {wall:8.2f} {server:13.2f}  {shown}")
        calls, wall, server = (sum(total[i] for total in self.totals.values()) for i in range(3))
        print(f"{calls:6.0f} {wall:8.2f} {server:13.2f}  all (those under 5 ms too)")

    def record(self, statement: str, wall: float, server: float) -> None:
        total = self.totals.setdefault(_folded(statement), [0.0, 0.0, 0.0])
        total[0] += 1
        total[1] += wall
        total[2] += server

    def watch_scripts(self) -> None:
        """Run each statement of MetricStage's scripts on its own, timed."""

        async def run_script(stage: staging.MetricStage, statements: list[str]) -> None:
            raw = await stage.connection.get_raw_connection()
            driver: Any = raw.driver_connection
            pid = int(await driver.fetchval("SELECT pg_backend_pid()"))
            for statement in statements:
                wall, server = time.perf_counter(), _server_cpu(pid)
                await driver.execute(statement)
                self.record(statement, time.perf_counter() - wall, _server_cpu(pid) - server)

        staging.MetricStage._run_script = run_script  # type: ignore[method-assign,assignment]


async def main(path: Path) -> None:
    engine = create_engine(os.environ["DATABASE_URL"])
    statements = Statements()
    statements.watch(engine.sync_engine)
    statements.watch_scripts()
    wall = time.perf_counter()
    try:
        report = await ingest_file(engine, kind=IngestKind.METRICS, path=path)
    finally:
        await engine.dispose()
    print(f"{report.rows_written:,} values in {time.perf_counter() - wall:.2f} s: {report.changes}")
    statements.print(width=150)
    print("load average", " ".join(f"{load:.2f}" for load in os.getloadavg()))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
