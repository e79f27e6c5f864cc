"""Where the small query's time goes over HTTP: ceilings under the same uvicorn, with wrk.

    PYTHONPATH=$PWD .venv/bin/python bench/small_ceilings.py [--seconds 5] [--rounds 3]
        [--store sqlite|postgres] [--sqlite-path PATH] [--postgres-url URL]
        [--old PATH [--old-postgres-url URL | --old-sqlite-path PATH]] [--access-log]
        [--connections 1] [--port 8650]

Starts, each a process of its own on a loopback port, under uvicorn (uvloop, httptools):
- `constant`: a bare Starlette app answering every POST with the same JSON (what HTTP and the
  framework cost alone);
- `floor`: bench/peers_floor.py (plain driver and orjson, no framework) answering the small
  query;
- `ours`: `python -m cli.main serve --no-auth --log-format text` of this checkout, with the
  access log off (`PROFILING_ACCESS_LOG_SAMPLE=0`) unless `--access-log`; and with `--old
  PATH`, the same of another checkout (`git archive <rev> | tar -x -C PATH`), for an A/B in
  one run. An older release refuses a store a newer one has migrated: give it a copy of its
  own, left at its revision (`--old-postgres-url`: `createdb -T` of the data before the new
  release upgraded it; `--old-sqlite-path`: a copied file), built by the same data set.

Then asks each of ours `{ __typename }`, `account(accountId:) { accountId }` and the small
query (the account changing on every request, as bench/peers.py does), the floor its small
query and the constant app its constant, with wrk (one thread, `--connections` keep-alive
connections, 1 unless given: 8 is the peer benchmark's other measure),
`--rounds` times in turn, so that a change in the machine's load touches every figure alike.
Prints each measurement's median and range of req/s, the microseconds a request each
median means, and the server process's CPU a request (from /proc: Linux only), a figure that a
loaded machine stretches far less than the rates (on a busy machine, go by it and by the
instruction counts of bench/small_request.py's loop under callgrind). Data: bench/peers_data.py's
data set, built into `--sqlite-path` / `--postgres-url` if missing (120,000 values)."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peers_servers import stop_group

BENCH = Path(__file__).resolve().parent
REPOSITORY = BENCH.parent
ACCOUNT_MARK = "@ACCOUNT@"
MONTH = "2023-12-01"
CONSTANT = b'{"data":{"account":{"accountId":"acc-00001"}}}'

QUERIES = {
    "typename": "{ __typename }",
    "accountId": "query ($id: String!) { account(accountId: $id) { accountId } }",
    "small": (
        "query ($id: String!, $month: Date!) { account(accountId: $id) { "
        "metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }"
    ),
}


def starlette_app() -> Any:
    """The constant app (`uvicorn small_ceilings:starlette_app --factory`)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(request: Request) -> Response:
        await request.body()
        return Response(CONSTANT, media_type="application/json")

    return Starlette(routes=[Route("/graphql", answer, methods=["POST"])])


def _body(query: str, with_month: bool) -> str:
    variables: dict[str, str] = {"id": ACCOUNT_MARK}
    if with_month:
        variables["month"] = MONTH
    return json.dumps({"query": query, "variables": variables}, separators=(",", ":"))


def _choice(module: str, default: str, fallback: str) -> str:
    return default if importlib.util.find_spec(module) else fallback


UVICORN = [
    "--host",
    "127.0.0.1",
    "--loop",
    _choice("uvloop", "uvloop", "asyncio"),
    "--http",
    _choice("httptools", "httptools", "h11"),
    "--no-access-log",
    "--log-level",
    "warning",
]


_UVICORN_APP = [sys.executable, "-m", "uvicorn", "--factory", "--app-dir", str(BENCH)]


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=self.cwd,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        stop_group(self.process)


@dataclass(frozen=True)
class Measure:
    label: str
    process: Process
    path: str
    body: str


async def _ready(process: Process, path: str, body: str) -> None:
    import httpx

    deadline = time.monotonic() + 120
    async with httpx.AsyncClient(timeout=5) as client:
        while time.monotonic() < deadline:
            assert process.process is not None
            if process.process.poll() is not None:
                raise SystemExit(f"{process.name} exited (log {process.log})")
            try:
                response = await client.post(
                    f"http://127.0.0.1:{process.port}{path}",
                    content=body.replace(ACCOUNT_MARK, "acc-00001"),
                    headers={"Content-Type": "application/json"},
                )
                if response.status_code == 200:
                    if b'"errors"' in response.content:
                        raise SystemExit(f"{process.name}: {response.content[:300]!r}")
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    raise SystemExit(f"{process.name} did not answer (log {process.log})")


def _cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) the process has used: from /proc (Linux)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ours(
    name: str, checkout: Path, url: str, port: int, folder: Path, access_log: bool
) -> Process:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(checkout)}
    if not access_log:
        env["PROFILING_ACCESS_LOG_SAMPLE"] = "0"
    command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--no-auth"]
    command += ["--log-format", "text"]
    return Process(name, command, env, checkout, port, folder / f"{name}.log")


async def run(arguments: argparse.Namespace) -> None:
    sys.path.insert(0, str(BENCH))
    from peers_data import ensure_postgres, ensure_sqlite
    from peers_load import wrk_or_exit

    wrk = wrk_or_exit()
    if arguments.store == "sqlite":
        path = arguments.sqlite_path.expanduser().resolve()
        print(f"SQLite data ({path}): {ensure_sqlite(path, False)}")
        url, floor_url = f"sqlite+aiosqlite:///{path}", f"sqlite:///{path}"
    else:
        print(f"PostgreSQL data: {await ensure_postgres(arguments.postgres_url, False)}")
        url = "postgresql+asyncpg://" + arguments.postgres_url.removeprefix("postgresql://")
        floor_url = arguments.postgres_url
    folder: Path = arguments.logs
    port = arguments.port
    constant = Process(
        "constant",
        [*_UVICORN_APP, "small_ceilings:starlette_app", "--port", str(port), *UVICORN],
        dict(os.environ),
        REPOSITORY,
        port,
        folder / "constant.log",
    )
    floor = floor_process(floor_url, port + 1, folder)
    processes = [constant, floor]
    ours = [_ours("ours", REPOSITORY, url, port + 2, folder, arguments.access_log)]
    if arguments.old is not None:
        old_url = url
        if arguments.old_postgres_url is not None:
            old_url = "postgresql+asyncpg://" + arguments.old_postgres_url.removeprefix(
                "postgresql://"
            )
        elif arguments.old_sqlite_path is not None:
            old_url = f"sqlite+aiosqlite:///{arguments.old_sqlite_path}"
        ours.insert(0, _ours("old", arguments.old, old_url, port + 3, folder, arguments.access_log))
    processes += ours
    measures = [
        Measure("constant (Starlette)", constant, "/graphql", _body("", False)),
        Measure("floor: small", floor, "/small", _body("", True)),
    ]
    for server in ours:
        for name, query in QUERIES.items():
            if arguments.only_small and name != "small":
                continue
            measures.append(
                Measure(
                    f"{server.name}: {name}", server, "/graphql", _body(query, "$month" in query)
                )
            )
    await measure_rounds(
        processes,
        measures,
        wrk,
        rounds=arguments.rounds,
        seconds=arguments.seconds,
        connections=arguments.connections,
    )


def floor_process(floor_url: str, port: int, folder: Path) -> Process:
    """bench/peers_floor.py's app on the plain driver, under the same uvicorn."""
    return Process(
        "floor",
        [*_UVICORN_APP, "peers_floor:create_app", "--port", str(port), *UVICORN],
        {**os.environ, "PEERS_FLOOR_DATABASE": floor_url},
        REPOSITORY,
        port,
        folder / "floor.log",
    )


async def measure_rounds(
    processes: list[Process],
    measures: list[Measure],
    wrk: str,
    *,
    rounds: int,
    seconds: int,
    connections: int,
) -> None:
    """Start the servers, wait until each answers its measure, then measure them interleaved by
    rounds with wrk (a second of warm-up, then `seconds`) and print the table: req/s, the ratio
    to the measure labelled "floor: small", the server's CPU a request. Stops them all."""
    from peers_load import run_wrk

    try:
        for process in processes:
            process.start()
        for measure in measures:
            await _ready(measure.process, measure.path, measure.body)
        rates: dict[str, list[float]] = {measure.label: [] for measure in measures}
        cpus: dict[str, list[float]] = {measure.label: [] for measure in measures}
        for number in range(rounds):
            load = os.getloadavg()[0]
            for measure in measures:
                common = {"connections": connections, "accounts": 1000}
                # A second of warm-up, then the measurement.
                await run_wrk(
                    wrk, measure.process.port, measure.path, measure.body, seconds=1, **common
                )
                assert measure.process.process is not None
                pid = measure.process.process.pid
                cpu = _cpu_seconds(pid)
                result = await run_wrk(
                    wrk, measure.process.port, measure.path, measure.body, seconds=seconds, **common
                )
                if result.errors:
                    raise SystemExit(f"{measure.label}: {result.errors} failed requests")
                rates[measure.label].append(result.rate)
                cpus[measure.label].append((_cpu_seconds(pid) - cpu) / result.requests * 1e6)
            print(f"round {number + 1} done (load average {load:.1f} at its start)", flush=True)
        _print_table(rates, cpus)
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        for process in processes:
            process.stop()


def _print_table(rates: dict[str, list[float]], cpus: dict[str, list[float]]) -> None:
    floor_rate = statistics.median(rates["floor: small"])
    floor_cpu = statistics.median(cpus["floor: small"])
    print(
        "\n| measure | req/s median (min-max) | us a request | / floor "
        "| server CPU us a request, median (min-max) | floor's CPU / this |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, found in rates.items():
        median = statistics.median(found)
        cpu = statistics.median(cpus[label])
        print(
            f"| {label} | {median:,.0f} ({min(found):,.0f}-{max(found):,.0f}) "
            f"| {1e6 / median:,.0f} | {median / floor_rate:.2f}x "
            f"| {cpu:,.0f} ({min(cpus[label]):,.0f}-{max(cpus[label]):,.0f}) "
            f"| {floor_cpu / cpu:.2f}x |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_peers"
    )
    parser.add_argument("--old", help="another checkout of ours to measure beside this one")
    parser.add_argument("--old-postgres-url", help="the old checkout's own PostgreSQL copy")
    parser.add_argument("--old-sqlite-path", help="the old checkout's own SQLite copy")
    parser.add_argument("--access-log", action="store_true", help="ours with its access log")
    parser.add_argument("--connections", type=int, default=1, help="wrk's connections")
    parser.add_argument("--only-small", action="store_true", help="ours: the small query only")
    parser.add_argument("--port", type=int, default=8650, help="first of four ports")
    parser.add_argument("--logs", default="/tmp/small-ceilings")
    arguments = parser.parse_args()
    arguments.logs = Path(arguments.logs)
    arguments.logs.mkdir(parents=True, exist_ok=True)
    if arguments.old is not None:
        arguments.old = Path(arguments.old).resolve()
    if arguments.old_sqlite_path is not None:
        arguments.old_sqlite_path = Path(arguments.old_sqlite_path).expanduser().resolve()
    asyncio.run(run(arguments))


if __name__ == "__main__":
    main()
