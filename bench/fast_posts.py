"""The small request of bench/small_request.py with and without the fast path of plain JSON POSTs
(PROFILING_FAST_POSTS, server/graphql_posts.py and server/graphql_first.py), in one process.

    PYTHONPATH=. .venv/bin/python bench/fast_posts.py [--rounds 30] [--batch 200] [--key]
        [--sqlite-path ~/.cache/profiling-bench/peers.db]

Both apps run over one copy of the benchmark's SQLite file and take turns, a batch of requests
each, so that the machine's load weighs on both alike (on a shared machine one run after the
other differs by more than the fast path saves). Prints the median and best CPU microseconds per
request of each, and Python function calls per request. With `--key` the requests carry an
internal API key (keys checked and rate limits applied, as in production) instead of
`serve --no-auth`."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import small_request  # noqa: E402
from small_request import (  # noqa: E402
    WARM_UP,
    body,
    calls_per_request,
    profiled,
    run_on_a_copy,
)

from server.app import create_app  # noqa: E402
from settings import load_settings  # noqa: E402
from store.engine import create_engine  # noqa: E402
from store.keys import create_key  # noqa: E402
from store.scope import Role  # noqa: E402

SWITCH = "PROFILING_FAST_POSTS"


async def post(app: Any, content: bytes, key: str | None) -> None:
    sent = await small_request.post(app, content, key)
    if sent[0]["status"] != 200 or b'"metrics":[{' not in sent[1]["body"]:
        raise SystemExit(f"unexpected answer: {sent}")


async def _post_numbered(app: Any, key: str | None, number: int) -> None:
    await post(app, body(number), key)


async def measure(database: Path, *, rounds: int, batch: int, with_key: bool) -> None:
    os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    key = None
    if with_key:
        engine = create_engine(os.environ["DATABASE_URL"])
        _, key = await create_key(engine, role=Role.INTERNAL, name="bench fast posts")
        await engine.dispose()
    apps = {}
    for switch in ("true", "false"):
        os.environ[SWITCH] = switch
        apps[switch] = create_app(settings=load_settings(), require_keys=with_key)
    os.environ.pop(SWITCH)
    async with (
        apps["true"].router.lifespan_context(apps["true"]),
        apps["false"].router.lifespan_context(apps["false"]),
    ):
        for app in apps.values():
            for number in range(WARM_UP):
                await post(app, body(number), key)
        cpu: dict[str, list[float]] = {switch: [] for switch in apps}
        for _ in range(rounds):
            for switch, app in apps.items():
                started = time.process_time()
                for number in range(batch):
                    await post(app, body(number), key)
                cpu[switch].append((time.process_time() - started) / batch * 1e6)
        for switch, app in apps.items():
            stats = await profiled(batch, partial(_post_numbered, app, key))
            calls = calls_per_request(stats, batch)
            print(
                f"{SWITCH}={switch}: {statistics.median(cpu[switch]):,.0f} us CPU per request "
                f"(median of {rounds} batches of {batch}; best {min(cpu[switch]):,.0f}), "
                f"{calls:,.0f} Python function calls per request"
            )
    print(f"load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--key", action="store_true")
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    arguments = parser.parse_args()
    run_on_a_copy(
        arguments.sqlite_path,
        lambda copy: measure(
            copy, rounds=arguments.rounds, batch=arguments.batch, with_key=arguments.key
        ),
    )


if __name__ == "__main__":
    main()
