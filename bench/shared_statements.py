"""The small query under N concurrent clients in process: how many statements the requests share.

    PYTHONPATH=. .venv/bin/python bench/shared_statements.py [--clients 8] [--requests 2000]
        [--no-share] [--distinct-months] [--loop-only] [--profile] [--http PORT --seconds 5]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/bench_peers]

`--clients` tasks each send the small query of bench/small_request.py (one account's 10 rows of
a month, the account changing every request) through the whole ASGI app, one after the other,
all on one event loop (uvloop), over the peer benchmark's PostgreSQL database (built by
`bench/peers.py --only postgres`; only read). Prints the statements the account reads ran and
how many reads joined another request's statement instead (store/running/shared_reads.py),
then the Python calls a request (cProfile: a figure the machine's load does not move).
`--no-share` reads alone, as before statements were shared; `--distinct-months` gives each
client a month of its own (a filter of its own: every read leads a statement nobody joins, what
sharing costs when it finds nobody). `--http PORT`: the app served by
uvicorn (uvloop, httptools) in this process on a loopback port, loaded by wrk with `--clients`
connections for `--seconds`: the share of joined reads over real HTTP, and this process's CPU
a request (the server's alone: wrk is another process; load-sensitive). `--loop-only`: the
warm-up and the requests only, for callgrind (the instructions of N requests are those of a run with
`--requests N` minus one with `--requests 0`):

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python \\
        bench/shared_statements.py --loop-only --requests 2000 [--no-share]   # and 0"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "bench"))

import orjson  # noqa: E402
from small_request import ACCOUNTS, QUERY, database_url, post, run_in_uvloop  # noqa: E402

from server.app import create_app  # noqa: E402
from settings import load_settings  # noqa: E402
from store.running import shared_reads  # noqa: E402

WARM_UP = 300

made: list[shared_reads.TurnShares] = []
_init = shared_reads.TurnShares.__init__


def _counted_init(self: shared_reads.TurnShares) -> None:
    _init(self)
    made.append(self)


shared_reads.TurnShares.__init__ = _counted_init  # type: ignore[method-assign]


def _never(self: shared_reads.TurnShares) -> bool:
    return False


def month_body(number: int, month: str) -> bytes:
    return orjson.dumps(
        {"query": QUERY, "variables": {"id": f"acc-{number % ACCOUNTS:05d}", "month": month}}
    )


async def clients(
    app: Any, clients: int, requests: int, start: int, distinct_months: bool = False
) -> None:
    """`requests` requests in all, from `clients` tasks each sending its share in turn (with
    `distinct_months`, each client its own month: a filter of its own, nothing to share)."""

    async def client(number: int) -> None:
        month = f"2023-{12 - number % 12:02d}-01" if distinct_months else "2023-12-01"
        for request in range(number, requests, clients):
            answer = await post(app, month_body(start + request, month))
            if answer[0]["status"] != 200 or b'"metrics":[{' not in answer[1]["body"]:
                raise SystemExit(f"unexpected answer: {answer}")

    await asyncio.gather(*(client(number) for number in range(clients)))


def counts() -> tuple[int, int, int]:
    """Statements led, reads that joined one, statements that nobody joined."""
    return (
        sum(s.statements for s in made),
        sum(s.joined for s in made),
        sum(s.alone for s in made),
    )


async def measure(
    url: str, number: int, requests: int, loop_only: bool, profile: bool, distinct: bool
) -> None:
    os.environ["DATABASE_URL"] = database_url(url)
    app = create_app(settings=load_settings(), require_keys=False)
    async with app.router.lifespan_context(app):
        await clients(app, number, WARM_UP, 0, distinct)
        if loop_only:
            await clients(app, number, requests, WARM_UP, distinct)
            return
        before = counts()
        wall, cpu = time.perf_counter(), time.process_time()
        await clients(app, number, requests, WARM_UP, distinct)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        statements, joined, alone = (now - then for now, then in zip(counts(), before, strict=True))
        print(
            f"{requests} requests, {number} clients: {cpu / requests * 1e6:,.0f} us CPU, "
            f"{wall / requests * 1e6:,.0f} us wall a request (load-sensitive)"
        )
        print(
            f"shared path: {statements:,} statements led ({alone:,} that nobody joined), "
            f"{joined:,} reads joined one "
            f"({joined / requests:.0%} of the requests)"
        )
        profiler = cProfile.Profile()
        profiler.enable()
        await clients(app, number, requests, WARM_UP + requests, distinct)
        profiler.disable()
        stats = pstats.Stats(profiler)
        if os.environ.get("H5_DUMP"):
            stats.dump_stats(os.environ["H5_DUMP"])
        calls: int = stats.total_calls  # type: ignore[attr-defined]
        print(f"{calls / requests:,.0f} Python function calls per request")
        if profile:
            stats.sort_stats("tottime").print_stats(40)


async def over_http(url: str, connections: int, port: int, seconds: int) -> None:
    import uvicorn
    from peers_load import run_wrk, wrk_or_exit
    from peers_queries import small_body

    os.environ["DATABASE_URL"] = database_url(url)
    app = create_app(settings=load_settings(), require_keys=False)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        loop="none",
        http="httptools",
        access_log=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110  # uvicorn offers no event to wait for
        await asyncio.sleep(0.05)
    wrk = wrk_or_exit()
    body = small_body(
        "query ($id: String!, $month: Date!) { account(accountId: $id) { "
        "metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }"
    )
    try:
        await run_wrk(
            wrk,
            port,
            "/graphql",
            body,
            connections=connections,
            seconds=1,
            accounts=1000,
        )  # warm-up
        before, cpu = counts(), time.process_time()
        load = await run_wrk(
            wrk,
            port,
            "/graphql",
            body,
            connections=connections,
            seconds=seconds,
            accounts=1000,
        )
        cpu = time.process_time() - cpu
        statements, joined, alone = (now - then for now, then in zip(counts(), before, strict=True))
        print(
            f"HTTP, {connections} connections, {seconds} s: {load.requests:,} requests "
            f"({load.requests / load.seconds:,.0f} req/s), {load.errors} errors, "
            f"{cpu / load.requests * 1e6:,.0f} us server CPU a request (load-sensitive); "
            f"{statements:,} statements led ({alone:,} that nobody joined), {joined:,} reads "
            f"joined one ({joined / load.requests:.0%} of the requests)"
        )
        # Again under cProfile: the server's Python calls a request, at that run's sharing.
        before = counts()
        profiler = cProfile.Profile()
        profiler.enable()
        load = await run_wrk(
            wrk, port, "/graphql", body, connections=connections, seconds=seconds, accounts=1000
        )
        profiler.disable()
        joined = counts()[1] - before[1]
        calls: int = pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
        print(
            f"under cProfile: {load.requests:,} requests, {joined / load.requests:.0%} joined, "
            f"{calls / load.requests:,.0f} Python calls a request (the server's, with uvicorn's)"
        )
    finally:
        server.should_exit = True
        await serving


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--no-share", action="store_true", help="every request reads alone")
    parser.add_argument("--loop-only", action="store_true", help="nothing timed (callgrind)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--distinct-months", action="store_true", help="each client its own month: no sharing"
    )
    parser.add_argument("--http", type=int, metavar="PORT", help="served by uvicorn, with wrk")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_peers"
    )
    arguments = parser.parse_args()
    if arguments.no_share:
        shared_reads.TurnShares.worth_waiting = _never  # type: ignore[method-assign]
    if arguments.http:
        run_in_uvloop(
            over_http(arguments.postgres_url, arguments.clients, arguments.http, arguments.seconds)
        )
        return
    run_in_uvloop(
        measure(
            arguments.postgres_url,
            arguments.clients,
            arguments.requests,
            arguments.loop_only,
            arguments.profile,
            arguments.distinct_months,
        )
    )


if __name__ == "__main__":
    main()
