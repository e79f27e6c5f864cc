"""The large query's collections by the cyclic garbage collector, request by request.

    PYTHONPATH=. .venv/bin/python bench/large_collections.py [--requests 30] [--processes 4]
        [--sqlite-path ~/.cache/profiling-bench/peers.db]

Runs bench/large_request.py's request (the first 100 accounts with their 12,000 rows, through
the whole ASGI app, without HTTP, the startup objects frozen as `profiling serve` freezes them)
in `--processes` fresh processes one after the other (each its own hash seed, as each round of
bench/peers.py starts a fresh server), and prints for each process: the collections a request
triggers by generation (counted with `gc.callbacks`, which the machine's load does not move),
the objects those of generation 2 examined (the heap's tracked objects then: what makes a
full collection long), and the CPU milliseconds of a request and of its collections (medians;
CPU time moves less than wall time with the load, but it moves: read the counts first).

Why: bench/peers.py's p50 of this query on SQLite ranged from 26.7 to 56.8 ms across rounds
(docs/performance.md). A process whose requests each run a full collection while the
request's rows are alive pays for it on every request; one whose collections fall between
requests does not."""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from peers_queries import OURS  # noqa: E402
from small_request import post, run_on_a_copy  # noqa: E402

from server.app import create_app  # noqa: E402
from server.served_app import freeze_startup_objects  # noqa: E402
from settings import load_settings  # noqa: E402

BODY = OURS.large.encode()
WARM_UP = 5


class Collections:
    """Collections by generation, the objects full ones examined, and their CPU time."""

    def __init__(self) -> None:
        self.by_generation = [0, 0, 0]
        self.examined = 0
        self.cpu = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.by_generation[info["generation"]] += 1
            if info["generation"] == 2:
                self.examined += len(gc.get_objects())
            self._started = time.process_time()
        else:
            self.cpu += time.process_time() - self._started


async def measure(database_url: str, requests: int) -> None:
    os.environ["DATABASE_URL"] = database_url
    app = create_app(settings=load_settings(), require_keys=False)
    freeze_startup_objects()
    async with app.router.lifespan_context(app):
        for _ in range(WARM_UP):
            await post(app, BODY)
        counts: list[tuple[list[int], int, float, float]] = []
        for _ in range(requests):
            collections = Collections()
            gc.callbacks.append(collections)
            started = time.process_time()
            try:
                await post(app, BODY)
            finally:
                gc.callbacks.remove(collections)
            counts.append(
                (
                    collections.by_generation,
                    collections.examined,
                    collections.cpu,
                    time.process_time() - started,
                )
            )
    full = [generations[2] for generations, _examined, _cpu, _total in counts]
    print(
        f"hash seed {os.environ.get('PYTHONHASHSEED', '?')}: a request's collections "
        f"gen0/gen1/gen2 (median) "
        + "/".join(
            str(statistics.median(generations[g] for generations, *_ in counts)) for g in range(3)
        )
        + f", requests with a full collection {sum(1 for f in full if f)}/{len(full)}, "
        f"objects a full one examined (median of those) "
        f"{statistics.median([e for (g, e, *_) in counts if g[2]] or [0]):,.0f}, "
        f"CPU ms a request {statistics.median(t for *_, t in counts) * 1e3:.1f}, "
        f"of which collections {statistics.median(c for *_, c, _t in counts) * 1e3:.1f} "
        f"(load {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    arguments = parser.parse_args()
    if arguments.one:
        run_on_a_copy(
            arguments.sqlite_path,
            lambda copy: measure(f"sqlite+aiosqlite:///{copy}", arguments.requests),
        )
        return
    for seed in range(arguments.processes):
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                *("--requests", str(arguments.requests)),
                *("--sqlite-path", str(arguments.sqlite_path)),
            ],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            check=True,
        )


if __name__ == "__main__":
    main()
