"""Server CPU per execution of the API's metric reads as asyncpg runs them (a prepared
statement executed again and again, plan_cache_mode as configured: custom plans the first five
times, then the generic plan if it costs no more): the backend's CPU from /proc (the server on
this machine), per execution, for the small and the large query. Run before and after
partitioning:

    DATABASE_URL=postgresql+asyncpg://... PYTHONPATH=$PWD python bench/partition_prepared.py [MODE]

MODE: auto (default), force_custom_plan or force_generic_plan.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import asyncpg
from partition_reads import _sql

TICKS = os.sysconf("SC_CLK_TCK")


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def main(mode: str) -> None:
    url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")
    connection = await asyncpg.connect(url)
    await connection.execute(f"SET plan_cache_mode = {mode}")
    pid = await connection.fetchval("SELECT pg_backend_pid()")
    ids = [r[0] for r in await connection.fetch("SELECT account_id FROM account ORDER BY 1")]
    months = sorted(
        r[0] for r in await connection.fetch("SELECT DISTINCT effective_date FROM metric_value")
    )
    shapes = {
        "small": (_sql(True, ids[:1], [months[len(months) // 2]]), 3000),
        "large": (_sql(False, ids[:100], []), 30),
    }
    for name, ((sql, arguments), times) in shapes.items():
        prepared = await connection.prepare(sql)
        for _ in range(10):
            await prepared.fetch(*arguments)
        cpu, wall = _backend_cpu(pid), time.perf_counter()
        for n in range(times):
            # A different account each time for the small query, as clients would ask.
            if name == "small":
                arguments[2] = ids[n % len(ids)]
            await prepared.fetch(*arguments)
        used = _backend_cpu(pid) - cpu
        print(
            f"{mode} {name}: {times} executions, server CPU {1000 * used / times:.3f} ms each, "
            f"wall {1000 * (time.perf_counter() - wall) / times:.3f} ms each"
        )
    await connection.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "auto"))
