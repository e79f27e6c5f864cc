"""Nothing lost on a crash: SIGKILL `profiling ingest` and `profiling publish` at random moments
of a large job; every file is wholly in or wholly out, the database stays sound, and the job
then completes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import COHORT_TABLE, METRIC_TABLE, PUBLISHED_MONTH_TABLE
from tests.cli.test_main import PROFILING
from tests.factories import Seed

ACCOUNTS = 600
METRICS = 10
MONTHS = [f"2023-{month:02d}-01" for month in range(1, 11)]  # 60,000 values in one file
KILLS = 4


def _kill_at_random(args: list[str], env: dict[str, str], delay: float) -> int | None:
    """Run a command, SIGKILL it after `delay` seconds; its exit code if it finished first."""
    process = subprocess.Popen(
        [PROFILING, *args],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return process.returncode


def _run_to_end(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Blocking on purpose: the test waits for the command and nothing else runs meanwhile.
    return subprocess.run(
        [PROFILING, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


async def _count(engine: AsyncEngine, table: object) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(table))).scalar())  # type: ignore[arg-type]


async def _sound(engine: AsyncEngine) -> None:
    if engine.dialect.name == "sqlite":
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA integrity_check"))).scalar() == "ok"


@pytest.fixture
async def big_file(engine: AsyncEngine, tmp_path: Path) -> Path:
    seed = Seed()
    seed.industry("retail")
    for n in range(METRICS):
        seed.definition(f"m{n}", "count")
    for a in range(ACCOUNTS):
        seed.account(f"a{a:04d}", industry="retail")
    await seed.write(engine)
    path = tmp_path / "metrics.csv"
    with path.open("w") as out:
        out.write("level,entity_id,metric_name,effective_date,value\n")
        for a in range(ACCOUNTS):
            for n in range(METRICS):
                for month in MONTHS:
                    out.write(f"account,a{a:04d},m{n},{month},{a * 7 + n}.5\n")
    return path


async def test_killed_ingests_leave_the_file_wholly_in_or_out(
    engine: AsyncEngine, database_url: str, big_file: Path
) -> None:
    env = {"DATABASE_URL": database_url, "PROFILING_TODAY": "2023-12-15"}
    total = ACCOUNTS * METRICS * len(MONTHS)
    rng = random.Random(7)
    outcomes = set()
    for _ in range(KILLS):
        code = _kill_at_random(["ingest", "metrics", str(big_file)], env, rng.uniform(0.3, 3))
        rows = await _count(engine, METRIC_TABLE)
        assert rows in (0, total), f"a killed ingest left {rows} of {total} rows"
        await _sound(engine)
        outcomes.add((code, rows))
        if rows:  # it finished before the kill: start again from nothing
            async with engine.begin() as connection:
                await connection.execute(METRIC_TABLE.delete())
    assert any(code == -signal.SIGKILL for code, _ in outcomes), "no run was ever killed"
    result = _run_to_end(["ingest", "metrics", str(big_file)], env)
    assert result.returncode == 0, result.stderr
    assert await _count(engine, METRIC_TABLE) == total


async def test_killed_publishes_leave_the_month_wholly_published_or_not(
    engine: AsyncEngine, database_url: str, big_file: Path
) -> None:
    env = {"DATABASE_URL": database_url, "PROFILING_TODAY": "2023-12-15"}
    done = _run_to_end(["ingest", "metrics", str(big_file)], env)
    assert done.returncode == 0
    rng = random.Random(11)
    for _ in range(KILLS):
        _kill_at_random(["publish", "--month", "2023-10"], env, rng.uniform(0.3, 2.5))
        months = await _count(engine, PUBLISHED_MONTH_TABLE)
        cohorts = await _count(engine, COHORT_TABLE)
        assert (months, cohorts) in ((0, 0), (1, METRICS))
        await _sound(engine)
        if months:
            async with engine.begin() as connection:
                await connection.execute(COHORT_TABLE.delete())
                await connection.execute(PUBLISHED_MONTH_TABLE.delete())
    final = _run_to_end(["publish", "--month", "2023-10"], env)
    assert final.returncode == 0, final.stderr
    assert await _count(engine, COHORT_TABLE) == METRICS
