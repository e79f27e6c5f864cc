"""The peer benchmark's small query in process: through the whole ASGI app, without HTTP.

    PYTHONPATH=. .venv/bin/python bench/small_request.py [--requests 2000] [--rounds 1] [--profile]
        [--store sqlite|postgres] [--sqlite-path ~/.cache/profiling-bench/peers.db]
        [--query small|accountId|typename] [--loop-only]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/bench_peers]
        [--key-role app|account]

Runs the request of `bench/peers.py` (one account's 10 metric rows of one month, the account
changing every request) through `create_app` as uvicorn would call it (POST /graphql, no API
key: `serve --no-auth`), over a copy of the benchmark's SQLite file (built by `bench/peers.py
--only sqlite`) or, with `--store postgres`, over the benchmark's PostgreSQL database (built
by `bench/peers.py --only postgres`; only read). Prints wall and CPU microseconds per request
(CPU: the process's, which includes nothing of PostgreSQL's server) and Python function calls
per request (a figure that does not move with the machine's load); `--rounds N` times N rounds
of `--requests` and prints each and the lowest (on a loaded machine the lowest is the least
disturbed); `--profile` adds cProfile's top functions by cumulative time. With `--key-role`
every request sends an API key of that role (the app of the accounts, or the first account):
the path of a rate-limited key whose query costs are estimated within its own scope
(schema/limits.py); the key is made in the copy (a PostgreSQL store gets one more key)."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from server.app import create_app  # noqa: E402
from settings import load_settings  # noqa: E402
from store.keys import create_key  # noqa: E402
from store.scope import Role  # noqa: E402
from store.tables import ACCOUNT_TABLE  # noqa: E402

QUERY = (
    "query ($id: String!, $month: Date!) { account(accountId: $id) { "
    "metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }"
)
# The small query and the two below it (`--query`): what HTTP, the context and the plan cost
# alone, then with the account's read, then with its rows.
QUERIES = {
    "small": QUERY,
    "accountId": "query ($id: String!) { account(accountId: $id) { accountId } }",
    "typename": "{ __typename }",
}
ACCOUNTS = 1000
WARM_UP = 300


def body(number: int, query: str = QUERY) -> bytes:
    variables = {"id": f"acc-{number % ACCOUNTS:05d}"}
    if "$month" in query:
        variables["month"] = "2023-12-01"
    return orjson.dumps({"query": query, "variables": variables})


async def post(app: Any, content: bytes, key: str | None = None) -> list[dict[str, Any]]:
    """The ASGI messages of the app's answer to a POST of `content` to /graphql (with an API
    key when given), as uvicorn would call it."""
    headers = [
        (b"host", b"127.0.0.1"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
    ]
    if key is not None:
        headers.append((b"authorization", f"Bearer {key}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": content, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def measure(
    database: Path | str,
    requests: int,
    profile: bool,
    rounds: int = 1,
    query: str = QUERY,
    loop_only: bool = False,
    key_role: str | None = None,
) -> None:
    """`database`: a SQLite file, or a PostgreSQL URL (postgresql://...). With `loop_only`,
    only the warm-up and `requests` requests, nothing timed or profiled: under callgrind, the
    instructions of a run with 0 requests taken from one with N are N requests'."""
    os.environ["DATABASE_URL"] = database_url(database)
    key = None if key_role is None else await made_key(os.environ["DATABASE_URL"], key_role)
    app = create_app(settings=load_settings(), require_keys=key_role is not None)
    async with app.router.lifespan_context(app):
        # An account key sees its own account only: every request asks for it.
        own = key_role == "account"

        async def request(content: bytes) -> list[dict[str, Any]]:
            return await post(app, content, key=key)

        def asked(number: int, query: str) -> bytes:
            return body(0 if own else number, query)

        answer = await request(asked(1, query))
        expected = b'"metrics":[{' if query == QUERY else b'{"data":{'
        if answer[0]["status"] != 200 or expected not in answer[1]["body"]:
            raise SystemExit(f"unexpected answer: {answer}")
        for number in range(WARM_UP):
            await request(asked(number, query))
        if loop_only:
            for number in range(requests):
                await request(asked(number, query))
            return
        cpus = []
        for _ in range(rounds):
            wall, cpu = time.perf_counter(), time.process_time()
            for number in range(requests):
                await request(asked(number, query))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            cpus.append(cpu / requests * 1e6)
            print(
                f"{requests} requests: {wall / requests * 1e6:,.0f} us wall, "
                f"{cpu / requests * 1e6:,.0f} us CPU per request"
            )
        if rounds > 1:
            print(f"lowest CPU per request of {rounds} rounds: {min(cpus):,.0f} us")
        stats = await profiled(requests, lambda number: request(asked(number, query)))
        print(f"{calls_per_request(stats, requests):,.0f} Python function calls per request")
        if profile:
            stats.sort_stats("cumulative").print_stats(50)


async def made_key(url: str, role: str) -> str:
    """A new API key of `role` for the first account's app (`app`) or the first account."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            first = await connection.execute(
                select(ACCOUNT_TABLE.c.account_id, ACCOUNT_TABLE.c.app_id)
                .order_by(ACCOUNT_TABLE.c.account_id)
                .limit(1)
            )
            account_id, app_id = first.one()
        if role == "app":
            return (await create_key(engine, role=Role.APP, app_id=app_id))[1]
        return (await create_key(engine, role=Role.ACCOUNT, account_id=account_id))[1]
    finally:
        await engine.dispose()


def database_url(database: Path | str) -> str:
    if isinstance(database, Path):
        return f"sqlite+aiosqlite:///{database}"
    return "postgresql+asyncpg://" + database.removeprefix("postgresql://")


async def profiled(requests: int, request: Callable[[int], Awaitable[object]]) -> pstats.Stats:
    """cProfile's statistics of `requests` awaits of `request(number)`."""
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(requests):
        await request(number)
    profiler.disable()
    return pstats.Stats(profiler)


def calls_per_request(stats: pstats.Stats, requests: int) -> float:
    """Python function calls per request: a figure that does not move with the load."""
    calls: int = stats.total_calls  # type: ignore[attr-defined]
    return calls / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--query", choices=sorted(QUERIES), default="small")
    parser.add_argument(
        "--loop-only", action="store_true", help="no timing nor profile (for callgrind)"
    )
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_peers"
    )
    parser.add_argument("--key-role", choices=["app", "account"])
    arguments = parser.parse_args()
    options = {
        "requests": arguments.requests,
        "profile": arguments.profile,
        "rounds": arguments.rounds,
        "query": QUERIES[arguments.query],
        "loop_only": arguments.loop_only,
        "key_role": arguments.key_role,
    }
    if arguments.store == "postgres":
        run_in_uvloop(measure(arguments.postgres_url, **options))
        return
    run_on_a_copy(arguments.sqlite_path, lambda copy: measure(copy, **options))


def run_on_a_copy(source: Path, measure: Callable[[Path], Coroutine[Any, Any, None]]) -> None:
    """`measure` of a copy of the benchmark's SQLite file (built by `bench/peers.py --only
    sqlite`), in uvloop's event loop as `profiling serve` runs it."""
    source = source.expanduser()
    if not source.exists():
        raise SystemExit(f"{source} does not exist: run bench/peers.py --only sqlite first")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "peers.db"
        shutil.copyfile(source, copy)
        run_in_uvloop(measure(copy))


def run_in_uvloop(main: Coroutine[Any, Any, None]) -> None:
    """`main` in uvloop's event loop, as `profiling serve` runs it (asyncio's without uvloop)."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


if __name__ == "__main__":
    main()
