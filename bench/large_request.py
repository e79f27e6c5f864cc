"""The peer benchmark's large query in process: through the whole ASGI app, without HTTP.

    PYTHONPATH=. .venv/bin/python bench/large_request.py [--requests 40] [--profile]
        [--sqlite-path ~/.cache/profiling-bench/peers.db]

Runs the `large` request of `bench/peers_queries.py` (the first 100 accounts by id with all
their metric rows, 12,000 of them) through `create_app` as `bench/small_request.py` runs the
small one, over a copy of the benchmark's SQLite file. Prints wall and CPU milliseconds per
request (all threads, and the event loop's thread alone: SQLite reads of this size run in reader
threads, everything above the reads on the loop's) and Python function calls per request;
`--profile` adds cProfile's top functions by internal time (the loop's thread only)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import orjson

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from peers_queries import LARGE_ACCOUNTS, OURS  # noqa: E402
from small_request import calls_per_request, post, profiled, run_on_a_copy  # noqa: E402

from server.app import create_app  # noqa: E402
from settings import load_settings  # noqa: E402

BODY = OURS.large.encode()
WARM_UP = 5


async def measure(database: Path, requests: int, profile: bool) -> None:
    os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    app = create_app(settings=load_settings(), require_keys=False)
    async with app.router.lifespan_context(app):
        answer = await post(app, BODY)
        edges = orjson.loads(answer[1]["body"])["data"]["accounts"]["edges"]
        rows = sum(len(edge["node"]["metrics"]) for edge in edges)
        if answer[0]["status"] != 200 or len(edges) != LARGE_ACCOUNTS or not rows:
            raise SystemExit(f"unexpected answer: {answer[1]['body'][:300]!r}")
        for _ in range(WARM_UP):
            await post(app, BODY)
        wall, cpu, loop = time.perf_counter(), time.process_time(), time.thread_time()
        for _ in range(requests):
            await post(app, BODY)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        loop = time.thread_time() - loop
        print(
            f"{requests} requests of {rows:,} rows: {wall / requests * 1e3:,.1f} ms wall, "
            f"{cpu / requests * 1e3:,.1f} ms CPU per request, of which "
            f"{loop / requests * 1e3:,.1f} ms on the event loop's thread "
            f"(load {os.getloadavg()[0]:.2f})"
        )
        stats = await profiled(requests, lambda _number: post(app, BODY))
        print(f"{calls_per_request(stats, requests):,.0f} Python function calls per request")
        if profile:
            stats.sort_stats("tottime").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    arguments = parser.parse_args()
    run_on_a_copy(
        arguments.sqlite_path,
        lambda copy: measure(copy, arguments.requests, arguments.profile),
    )


if __name__ == "__main__":
    main()
