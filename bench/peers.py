"""Our server against PostGraphile and the raw floors, on the same data, interleaved.

    .venv/bin/python bench/peers.py [--seconds 4] [--rounds 3] [--only postgres|sqlite]
        [--skip-postgraphile] [--rebuild] [--postgraphile5-on-node20]

1. Data: 1,000 accounts x 10 metrics x 12 months (120,000 values) loaded by `profiling ingest`
   into PostgreSQL (--postgres-url, a database of its own: `bench_peers`) and SQLite (in the
   cache folder); built once, reused while it holds exactly that (--rebuild builds it again).
2. Servers, on loopback: ours (`python -m cli.main serve --no-auth`: no key required or sent,
   which the output says; a keyed request's cost: bench/served_instructions.py --with-keys),
   the raw floor (plain asyncpg or sqlite3 + orjson under the same uvicorn,
   bench/peers_floor.py), and on PostgreSQL
   PostGraphile 4 (and 5 where the machine's Node runs it), installed by npm into the cache
   folder (~/.cache/profiling-bench), never into the repository. PostGraphile reads two views
   with smart comments (bench/peers_data.py) that give it our nesting: account -> its metrics.
3. Every server must return the same rows for the same queries; otherwise nothing is measured.
4. Load from wrk (`apt-get install -y wrk`), keep-alive: the small query (one account, its 10
   rows of one month, a different account each request) at 1 and 8 connections, with one server
   process, then with one per core; and the 100-account, 12,000-row query at 1 connection.
   Each round runs every server once, in an order that rotates from round to round.
5. Medians of the rounds with their spread, PostgreSQL sessions opened during each measurement
   (pg_stat_database.sessions), the load average before and after, and the ratios as Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import os
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from peers_check import same_rows
from peers_data import ACCOUNTS, POSTGRAPHILE_SCHEMA, ensure_postgres, ensure_sqlite
from peers_load import Load, run_wrk, wrk_or_exit
from peers_postgraphile import Installed, install, node_too_old, node_version
from peers_report import (
    Measure,
    Results,
    Sample,
    detail_table,
    ratio_table,
    scaling_table,
    targets_table,
)
from peers_servers import REPOSITORY, Server, floor, ours, postgraphile

CACHE = Path.home() / ".cache" / "profiling-bench"
POSTGRES = "PostgreSQL"
SQLITE = "SQLite"
WARM_UP_SECONDS = 1
# Sessions are counted by PostgreSQL when a backend reports its statistics, which it does when
# it goes idle: a short pause after the load lets the last ones arrive.
STATISTICS_PAUSE = 0.5
OURS_PORTS = (8121, 8131)
FLOOR_PORTS = (8125, 8135)
POSTGRAPHILE_PORTS = (5121, 5131)
# Said in every run's output: the figures are those of a server that checks no key.
OURS_AUTH = (
    "ours runs with `serve --no-auth`: no API key required, none sent (a production server "
    "requires keys; bench/served_instructions.py --with-keys measures a keyed request)"
)


@dataclass(frozen=True)
class Options:
    seconds: int
    rounds: int
    stores: list[str]
    skip_postgraphile: bool
    rebuild: bool
    postgres_url: str
    sqlite_path: Path
    workers: int
    postgraphile5_on_node20: bool
    serve_args: list[str]


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--seconds", type=int, default=4, help="whole seconds per measurement (default 4)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--only", choices=["postgres", "sqlite"], help="one store only")
    parser.add_argument("--skip-postgraphile", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="build the data sets again")
    parser.add_argument(
        "--postgres-url",
        default="postgresql://postgres@127.0.0.1:5432/bench_peers",
        help="a database of the benchmark's own (default bench_peers on localhost)",
    )
    parser.add_argument("--sqlite-path", type=Path, default=CACHE / "peers.db")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes of the all-cores measurements (default: one per core)",
    )
    parser.add_argument(
        "--postgraphile5-on-node20",
        action="store_true",
        help="run PostGraphile 5 on a Node older than it asks for, with Promise.withResolvers "
        "added (unsupported: the figures are labelled so)",
    )
    parser.add_argument(
        "--serve-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="one more argument for our `serve` (repeat), e.g. --serve-arg=--no-access-log",
    )
    arguments = parser.parse_args(argv)
    if arguments.seconds < 1 or arguments.rounds < 1 or arguments.workers < 1:
        parser.error("--seconds, --rounds and --workers are at least 1")
    stores = {"postgres": [POSTGRES], "sqlite": [SQLITE], None: [POSTGRES, SQLITE]}
    return Options(
        seconds=arguments.seconds,
        rounds=arguments.rounds,
        stores=stores[arguments.only],
        skip_postgraphile=arguments.skip_postgraphile,
        rebuild=arguments.rebuild,
        postgres_url=arguments.postgres_url,
        sqlite_path=arguments.sqlite_path.expanduser().resolve(),
        workers=arguments.workers,
        postgraphile5_on_node20=arguments.postgraphile5_on_node20,
        serve_args=arguments.serve_arg,
    )


# --- what runs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    installed: Installed
    polyfill: bool


def postgraphile_peers(options: Options) -> list[Peer]:
    """The PostGraphile versions this machine runs; says why one is left out."""
    if options.skip_postgraphile or POSTGRES not in options.stores:
        return []
    node = node_version()
    peers = []
    for major in (4, 5):
        installed = install(CACHE, major)
        if isinstance(installed, str):
            print(f"PostGraphile {major} left out: {installed}")
            continue
        too_old = node_too_old(installed, node or "")
        if too_old is None:
            peers.append(Peer(installed, polyfill=False))
        elif options.postgraphile5_on_node20:
            print(f"{too_old}. Run anyway with that function added (unsupported set-up).")
            peers.append(Peer(installed, polyfill=True))
        else:
            print(f"{too_old}. Left out (--postgraphile5-on-node20 runs it with it added).")
    return peers


def servers_for(options: Options, peers: list[Peer], processes: int, phase: int) -> list[Server]:
    logs = CACHE / "logs"
    servers = []
    for offset, store in enumerate(options.stores):
        if store == POSTGRES:
            url, floor_url = options.postgres_url, options.postgres_url
        else:
            url = f"sqlite+aiosqlite:///{options.sqlite_path}"
            floor_url = f"sqlite:///{options.sqlite_path}"
        servers.append(
            ours(store, url, processes, OURS_PORTS[phase] + offset, logs, options.serve_args)
        )
        servers.append(floor(store, floor_url, processes, FLOOR_PORTS[phase] + offset, logs))
        if store == POSTGRES:
            dsn = options.postgres_url.replace("postgresql://", "postgres://", 1)
            for number, peer in enumerate(peers):
                servers.append(
                    postgraphile(
                        peer.installed,
                        dsn,
                        POSTGRAPHILE_SCHEMA,
                        processes,
                        POSTGRAPHILE_PORTS[phase] + number,
                        logs,
                        polyfill=peer.polyfill,
                    )
                )
    return servers


def port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- measuring ---------------------------------------------------------------------------------


class SessionCounter:
    """pg_stat_database.sessions of the benchmark's database, read on one connection that stays
    open (so that reading does not count itself)."""

    def __init__(self, connection: asyncpg.Connection[asyncpg.Record] | None) -> None:
        self._connection = connection

    async def sessions(self) -> int | None:
        if self._connection is None:
            return None
        value = await self._connection.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        )
        return int(value)

    async def server_version(self) -> str:
        if self._connection is None:
            return "-"
        return str(await self._connection.fetchval("SHOW server_version"))


async def measure_once(
    wrk: str,
    server: Server,
    measure: Measure,
    seconds: int,
    counter: SessionCounter | None,
) -> Sample:
    dialect = server.dialect
    path, body = (
        (dialect.large_path, dialect.large)
        if measure.shape == "large"
        else (dialect.small_path, dialect.small)
    )
    before = await counter.sessions() if counter else None
    load: Load = await run_wrk(
        wrk,
        server.port,
        path,
        body,
        connections=measure.connections,
        seconds=seconds,
        accounts=ACCOUNTS,
    )
    sessions = None
    if counter is not None and before is not None:
        await asyncio.sleep(STATISTICS_PAUSE)
        after = await counter.sessions()
        sessions = None if after is None else after - before
    return Sample(load, sessions)


def measures_of(processes: int) -> list[Measure]:
    small = [Measure("small", 1, processes), Measure("small", 8, processes)]
    return [*small, Measure("large", 1, processes)] if processes == 1 else small


async def run_phase(
    options: Options,
    wrk: str,
    servers: list[Server],
    processes: int,
    counter: SessionCounter,
    results: Results,
) -> None:
    for server in servers:
        if port_taken(server.port):
            raise SystemExit(f"port {server.port} is taken: stop what listens there first")
    print(f"\n## {processes} server process(es): starting {len(servers)} servers", flush=True)
    try:
        for server in servers:
            server.start()
        async with httpx.AsyncClient(timeout=60) as client:
            for server in servers:
                await server.wait_ready(client)
            problems = await same_rows(client, servers)
        if problems:
            print("The servers do not return the same rows; nothing is measured:")
            print("\n".join(f"- {problem}" for problem in problems))
            raise SystemExit(1)
        print("Same rows from every server (3 small queries, the large one).", flush=True)
        for server in servers:
            for measure in measures_of(processes):
                await measure_once(wrk, server, measure, WARM_UP_SECONDS, None)
        for round_number in range(options.rounds):
            turn = round_number % len(servers)
            order = servers[turn:] + servers[:turn]
            print(f"round {round_number + 1}: load average {load_average()}", flush=True)
            for server in order:
                counter_here = counter if server.store == POSTGRES else None
                for measure in measures_of(processes):
                    sample = await measure_once(wrk, server, measure, options.seconds, counter_here)
                    results.add(measure, server.store, server.name, sample)
                    print(
                        f"  {server.label:<58} {measure.shape} x{measure.connections}: "
                        f"{sample.load.rate:8,.0f} req/s  p50 {sample.load.p50_ms:7.1f} ms  "
                        f"p99 {sample.load.p99_ms:7.1f} ms  sessions "
                        f"{'-' if sample.sessions is None else sample.sessions}  "
                        f"failed {sample.load.errors}",
                        flush=True,
                    )
    finally:
        for server in servers:
            server.stop()


# --- context -----------------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _first_line(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=REPOSITORY)
    except OSError:
        return "-"
    return ((result.stdout or result.stderr).strip().splitlines() or ["-"])[0]


def versions(postgres: str, peers: list[Peer]) -> list[str]:
    packages = ["uvicorn", "uvloop", "httptools", "strawberry-graphql", "asyncpg", "orjson"]
    installed = []
    for package in packages:
        try:
            installed.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            installed.append(f"{package} -")
    return [
        f"ours: {_first_line(['git', 'log', '-1', '--format=%h %cs %s'])[:100]}",
        f"Python {sys.version.split()[0]}; {', '.join(installed)}",
        f"PostgreSQL {postgres}; SQLite {sqlite3.sqlite_version}",
        f"Node {node_version() or '-'}; "
        + (", ".join(peer.installed.label for peer in peers) or "no PostGraphile"),
        f"{_first_line(['wrk', '-v'])}; {os.cpu_count()} cores",
    ]


async def main(options: Options) -> None:
    started = time.monotonic()
    wrk = wrk_or_exit()
    print(f"$ {' '.join(['python', 'bench/peers.py', *sys.argv[1:]])}")
    print(f"load average before: {load_average()} (1, 5, 15 min)")
    print(OURS_AUTH)
    if POSTGRES in options.stores:
        print(f"PostgreSQL data: {await ensure_postgres(options.postgres_url, options.rebuild)}")
    if SQLITE in options.stores:
        state = ensure_sqlite(options.sqlite_path, options.rebuild)
        print(f"SQLite data ({options.sqlite_path}): {state}")
    peers = postgraphile_peers(options)
    if peers:
        print(
            f"PostGraphile serves the schema {POSTGRAPHILE_SCHEMA}: two views over our tables "
            "with smart comments (@primaryKey, @foreignKey) that nest metrics under accounts"
        )
    connection = await asyncpg.connect(options.postgres_url) if POSTGRES in options.stores else None
    counter = SessionCounter(connection)
    try:
        print("\n".join(versions(await counter.server_version(), peers)))
        results = Results()
        process_counts = [1] if options.workers == 1 else [1, options.workers]
        for phase, processes in enumerate(process_counts):
            servers = servers_for(options, peers, processes, phase)
            await run_phase(options, wrk, servers, processes, counter, results)
    finally:
        if connection is not None:
            await connection.close()
    print(f"\nload average after: {load_average()}; {time.monotonic() - started:.0f} s in all")
    print(f"\n### Every measurement: medians of {options.rounds} rounds (min-max)\n")
    print(detail_table(results))
    print("\n### Ours against the peers (medians)\n")
    print(ratio_table(results))
    print(
        "\nSmall query: throughput, a ratio above 1 means ours serves more. "
        "Large query: p50 latency, a ratio above 1 means ours is slower."
    )
    print("\n### Throughput from 1 to 8 connections (medians)\n")
    print(scaling_table(results))
    postgraphile4 = next((p.installed.label for p in peers if p.installed.major == 4), None)
    print("\n### Targets (medians of this run)\n")
    print(targets_table(results, postgraphile4))


if __name__ == "__main__":
    asyncio.run(main(parse_options()))
