"""The peer benchmark's large query in process: through the whole ASGI app, without HTTP.

    PYTHONPATH=. .venv/bin/python bench/large_request.py [--requests 40] [--profile]
        [--sqlite-path ~/.cache/profiling-bench/peers.db | --database-url postgresql://...]

Runs the `large` request of `bench/peers_queries.py` (the first 100 accounts by id with all
their metric rows, 12,000 of them) through `create_app` as `bench/small_request.py` runs the
small one, over a copy of the benchmark's SQLite file, or with `--database-url` over the
benchmark's PostgreSQL database (built by `bench/peers.py`; only read). The startup objects are
frozen out of the garbage collector's reach first, as `profiling serve` does. Prints wall and
CPU milliseconds per request (all threads, and the event loop's thread alone: SQLite reads of
this size run in reader threads, everything above the reads on the loop's), the median and
fastest request's CPU time, and Python function calls per request; `--profile` adds cProfile's
top functions by internal time (the loop's thread only)."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import orjson

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from peers_queries import LARGE_ACCOUNTS, OURS  # noqa: E402
from small_request import calls_per_request, post, profiled, run_on_a_copy  # noqa: E402

from server.app import create_app  # noqa: E402
from server.served_app import freeze_startup_objects  # noqa: E402
from settings import load_settings, normalize_database_url  # noqa: E402

BODY = OURS.large.encode()
WARM_UP = 5


async def measure(database_url: str, requests: int, profile: bool) -> None:
    os.environ["DATABASE_URL"] = database_url
    app = create_app(settings=load_settings(), require_keys=False)
    freeze_startup_objects()  # as `profiling serve` does once its app is built
    async with app.router.lifespan_context(app):
        answer = await post(app, BODY)
        edges = orjson.loads(answer[1]["body"])["data"]["accounts"]["edges"]
        rows = sum(len(edge["node"]["metrics"]) for edge in edges)
        if answer[0]["status"] != 200 or len(edges) != LARGE_ACCOUNTS or not rows:
            raise SystemExit(f"unexpected answer: {answer[1]['body'][:300]!r}")
        for _ in range(WARM_UP):
            await post(app, BODY)
        each: list[float] = []
        wall, cpu, loop = time.perf_counter(), time.process_time(), time.thread_time()
        for _ in range(requests):
            started = time.process_time()
            await post(app, BODY)
            each.append(time.process_time() - started)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        loop = time.thread_time() - loop
        print(
            f"{requests} requests of {rows:,} rows: {wall / requests * 1e3:,.1f} ms wall, "
            f"{cpu / requests * 1e3:,.1f} ms CPU per request, of which "
            f"{loop / requests * 1e3:,.1f} ms on the event loop's thread "
            f"(load {os.getloadavg()[0]:.2f})"
        )
        # On a loaded machine the mean moves with the load; the median and the fastest
        # request's CPU time move less.
        print(
            f"CPU ms per request: median {statistics.median(each) * 1e3:,.1f}, "
            f"fastest {min(each) * 1e3:,.1f}"
        )
        stats = await profiled(requests, lambda _number: post(app, BODY))
        print(f"{calls_per_request(stats, requests):,.0f} Python function calls per request")
        if profile:
            stats.sort_stats("tottime").print_stats(40)


def run_in_loop(measuring: Coroutine[Any, Any, None]) -> None:
    """In uvloop's event loop, as `profiling serve` runs it."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(measuring)
    else:
        uvloop.run(measuring)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    parser.add_argument("--database-url", help="a PostgreSQL URL instead of the SQLite file")
    arguments = parser.parse_args()
    if arguments.database_url:
        url = normalize_database_url(arguments.database_url)
        run_in_loop(measure(url, arguments.requests, arguments.profile))
        return
    run_on_a_copy(
        arguments.sqlite_path,
        lambda copy: measure(f"sqlite+aiosqlite:///{copy}", arguments.requests, arguments.profile),
    )


if __name__ == "__main__":
    main()
