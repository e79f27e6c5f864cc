"""What one small request does on the event loop, ours against the raw floor, counted.

    PYTHONPATH=. .venv/bin/python bench/request_counts.py [--requests 500]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/bench_peers]
        [--sqlite-path PATH] [--target ours|floor|both] [--query small|accountId]

Runs the peer benchmark's small query (bench/small_request.py's request, through the whole
ASGI app, without HTTP) one request after another on asyncio's own event loop (pure Python,
so that it can be counted; the server runs uvloop, whose turns are the same ones, cheaper),
and prints per request:

- loop turns: iterations of the event loop while the request ran (each a select() call and
  the callbacks then ready);
- callbacks: handles the loop ran (task steps, future callbacks, `call_soon`s);
- tasks created;
- driver writes / reads: asyncpg's socket writes and read events (a round trip to PostgreSQL
  is at least one of each);
- Python calls (cProfile), a figure that does not move with the machine's load.

The same for bench/peers_floor.py's app (asyncpg's pool and orjson), so that each of ours that
the floor does not need stands out. Nothing here is timed: wall and CPU figures are
bench/small_request.py's and bench/small_ceilings.py's. Instructions: `--loop-only` under
callgrind, instrumented from the end of the warm-up only, the requests dumped in a part file
of their own (their count less that of a run with `--requests 0` is the requests'):

    REQUEST_COUNTS_CALLGRIND=1 valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file=/tmp/cg.out python bench/request_counts.py --loop-only \
        --target ours --requests 200   # then: grep totals /tmp/cg.out.1"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import pstats
import selectors
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import orjson

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from small_request import ACCOUNTS, QUERIES, body, database_url, post  # noqa: E402

MONTH = "2023-12-01"
WARM_UP = 200


@dataclass
class Counts:
    turns: int = 0
    callbacks: int = 0
    tasks: int = 0
    driver_writes: int = 0
    driver_reads: int = 0


class CountingLoop(asyncio.SelectorEventLoop):
    """asyncio's selector loop, counting its turns, the callbacks it runs and its tasks."""

    def __init__(self) -> None:
        super().__init__(selectors.DefaultSelector())
        self.counts = Counts()

    def _run_once(self) -> None:
        self.counts.turns += 1
        super()._run_once()  # type: ignore[misc]

    def create_task(self, coro: Any, **options: Any) -> asyncio.Task[Any]:
        self.counts.tasks += 1
        return super().create_task(coro, **options)


def _count_callbacks() -> None:
    """Count every handle run (asyncio.Handle._run, the one place all callbacks go through)."""
    run = asyncio.Handle._run

    def counted(handle: asyncio.Handle) -> None:
        loop = handle._loop  # type: ignore[attr-defined]
        if isinstance(loop, CountingLoop):
            loop.counts.callbacks += 1
        run(handle)

    asyncio.Handle._run = counted  # type: ignore[method-assign, assignment]


def _count_driver_io() -> None:
    """Count the socket writes and read events of every selector transport: in process, the
    only sockets are the database's."""
    from asyncio import selector_events

    transport: Any = getattr(selector_events, "_SelectorSocketTransport")  # noqa: B009
    write, read_ready = transport.write, transport._read_ready

    def counted_write(self: Any, data: Any) -> None:
        loop = self._loop
        if isinstance(loop, CountingLoop):
            loop.counts.driver_writes += 1
        write(self, data)

    def counted_read(self: Any) -> None:
        loop = self._loop
        if isinstance(loop, CountingLoop):
            loop.counts.driver_reads += 1
        read_ready(self)

    transport.write = counted_write
    transport._read_ready = counted_read


Request = Callable[[int], Awaitable[object]]


def _callgrind(*command: str) -> None:
    """`callgrind_control command` for this process, when it runs under callgrind."""
    if os.environ.get("REQUEST_COUNTS_CALLGRIND"):
        subprocess.run(["callgrind_control", *command, str(os.getpid())], check=True)


async def _floor_request(app: Any) -> Request:
    async def request(number: int) -> object:
        content = orjson.dumps(
            {"variables": {"id": f"acc-{number % ACCOUNTS:05d}", "month": MONTH}}
        )
        return await _post(app, "/small", content)

    return request


async def _post(app: Any, path: str, content: bytes) -> list[dict[str, Any]]:
    scope = {"type": "http", "method": "POST", "path": path, "headers": []}
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        delivered = True
        return {"type": "http.request", "body": content, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def _lifespan(app: Any, message: str) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": message}

    async def send(_message: dict[str, Any]) -> None:
        raise _Done

    with contextlib.suppress(_Done):
        await app({"type": "lifespan"}, receive, send)


class _Done(Exception):
    pass


async def _measure(name: str, request: Request, requests: int) -> None:
    loop = asyncio.get_running_loop()
    if not isinstance(loop, CountingLoop):  # --loop-only: the requests, nothing counted
        for number in range(WARM_UP):
            await request(number)
        _callgrind("-i", "on")  # under `valgrind --instr-atstart=no`: from here
        for number in range(requests):
            await request(number)
        _callgrind("-d")  # the requests' instructions, in a part file of their own
        return
    assert isinstance(loop, CountingLoop)
    for number in range(WARM_UP):
        await request(number)
    before = Counts(**vars(loop.counts))
    for number in range(requests):
        await request(number)
    after = loop.counts
    figures = {
        field.name: (getattr(after, field.name) - getattr(before, field.name)) / requests
        for field in fields(Counts)
    }
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(requests):
        await request(number)
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls / requests  # type: ignore[attr-defined]
    shown = ", ".join(f"{key.replace('_', ' ')} {value:.2f}" for key, value in figures.items())
    print(f"{name}: {shown}, Python calls {calls:,.0f} (per request, {requests} requests)")


async def ours(url: str, query: str, requests: int) -> None:
    os.environ["DATABASE_URL"] = url
    from server.app import create_app
    from settings import load_settings

    app = create_app(settings=load_settings(), require_keys=False)
    async with app.router.lifespan_context(app):
        answer = await post(app, body(1, query))
        if answer[0]["status"] != 200 or b'"errors"' in answer[1]["body"]:
            raise SystemExit(f"unexpected answer: {answer}")

        async def request(number: int) -> object:
            return await post(app, body(number, query))

        await _measure(f"ours ({url.split(':')[0]})", request, requests)


async def floor(url: str, requests: int) -> None:
    os.environ["PEERS_FLOOR_DATABASE"] = url
    from peers_floor import create_app

    app = create_app()
    await _lifespan(app, "lifespan.startup")
    try:
        await _measure("floor", await _floor_request(app), requests)
    finally:
        await _lifespan(app, "lifespan.shutdown")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--target", choices=["ours", "floor", "both"], default="both")
    parser.add_argument("--query", choices=sorted(QUERIES), default="small")
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_peers"
    )
    parser.add_argument("--sqlite-path", type=Path, help="measure SQLite (a file) instead")
    parser.add_argument(
        "--loop-only",
        action="store_true",
        help="uvloop, the warm-up and --requests requests, nothing counted (for callgrind: "
        "the instructions of a run with 0 requests taken from one with N are N requests')",
    )
    arguments = parser.parse_args()
    loop_factory: Callable[[], asyncio.AbstractEventLoop] = CountingLoop
    if arguments.loop_only:
        import uvloop

        loop_factory = uvloop.new_event_loop
    else:
        _count_callbacks()
        _count_driver_io()
    if arguments.sqlite_path is not None:
        url = database_url(arguments.sqlite_path.expanduser().resolve())
        floor_url = f"sqlite:///{arguments.sqlite_path.expanduser().resolve()}"
    else:
        url = database_url(arguments.postgres_url)
        floor_url = arguments.postgres_url
    if arguments.target in ("floor", "both"):
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(floor(floor_url, arguments.requests))
    if arguments.target in ("ours", "both"):
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(ours(url, QUERIES[arguments.query], arguments.requests))


if __name__ == "__main__":
    main()
