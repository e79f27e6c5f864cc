"""Where the serving process's cycles go under wrk at 8 connections, ours against the raw floor:
the garbage collector's work, the system calls and event-loop wake-ups a request, and a perf
profile's shares by library and by function. One process each (`profiling serve` and
bench/peers_floor.py, as bench/peers_servers.py starts them), the small query, SQLite.

    PYTHONPATH=$PWD .venv/bin/python bench/served_cycles.py --sqlite-path PEERS.sqlite \\
        [--target ours|floor|both] [--connections 8] [--seconds 6] [--port 18400] \\
        [--env NAME=VALUE ...] [--no-perf] [--no-strace]

For each server, three runs of wrk (one thread, `--connections`, `--seconds` each) after 2 s of
warm-up, so that no tool perturbs another's figures:
1. the garbage collector: a probe loaded at the server's start (a `sitecustomize` module on
   PYTHONPATH, nothing of the project changed) counts the collections of each generation, the
   objects they examined (the generations' sizes at each start) and the time inside them
   (perf_counter_ns around each, from `gc.callbacks`), and the process's allocated blocks;
2. `strace -c -f` attached: system calls a request by name (epoll_wait is one event-loop
   wake-up; its count a request says how many requests a wake-up serves);
3. `perf record -e cpu-clock -g`: the shares of the samples by library (DSO) and by function.
Wall-clock figures (req/s, gc time) move with the machine's load (printed first); counts a
request and shares do not much. Data: bench/peers_data.py's SQLite data set."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from peers_load import Load, run_wrk, wrk_or_exit  # noqa: E402
from peers_servers import Server, floor, ours  # noqa: E402

ACCOUNTS = 1000
WARM_SECONDS = 2
PROBE_VARIABLE = "SERVED_CYCLES_PROBE_OUT"

# Loaded by the server's interpreter at start (site imports `sitecustomize` from sys.path):
# counts the collections and times them; SIGUSR1 writes the cumulative figures as JSON.
PROBE = """
import gc, json, os, signal, sys, time

_out = os.environ["SERVED_CYCLES_PROBE_OUT"]
_figures = {"ns": [0, 0, 0], "examined": [0, 0, 0], "count": [0, 0, 0]}
_started = [0, 0]


def _callback(phase, info):
    generation = info["generation"]
    if phase == "start":
        _figures["count"][generation] += 1
        _figures["examined"][generation] += sum(
            len(gc.get_objects(g)) for g in range(generation + 1)
        )
        _started[0] = time.perf_counter_ns()
    else:
        _figures["ns"][generation] += time.perf_counter_ns() - _started[0]


def _dump(signum, frame):
    with open(_out, "w") as sink:
        json.dump(
            {
                **_figures,
                "stats": gc.get_stats(),
                "threshold": gc.get_threshold(),
                "frozen": gc.get_freeze_count(),
                "blocks": sys.getallocatedblocks(),
            },
            sink,
        )


gc.callbacks.append(_callback)
signal.signal(signal.SIGUSR1, _dump)
"""


def _probe_figures(pid: int, out: Path) -> dict[str, Any]:
    out.unlink(missing_ok=True)
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if out.exists() and out.stat().st_size:
            time.sleep(0.1)
            return dict(json.loads(out.read_text()))
        time.sleep(0.05)
    raise SystemExit("the probe wrote nothing (is SIGUSR1 taken by the server?)")


async def _wrk(server: Server, connections: int, seconds: int) -> Load:
    path, body = server.dialect.small_path, server.dialect.small
    return await run_wrk(
        wrk_or_exit(), server.port, path, body, connections=connections, seconds=seconds,
        accounts=ACCOUNTS,
    )  # fmt: skip


async def _gc_run(server: Server, out: Path, connections: int, seconds: int) -> None:
    assert server.process is not None
    before = _probe_figures(server.process.pid, out)
    load = await _wrk(server, connections, seconds)
    after = _probe_figures(server.process.pid, out)
    requests = max(load.requests, 1)
    print(f"  probe run: {load.rate:,.0f} req/s, {load.requests} requests")
    for generation in range(3):
        count = after["count"][generation] - before["count"][generation]
        ns = after["ns"][generation] - before["ns"][generation]
        examined = after["examined"][generation] - before["examined"][generation]
        print(
            f"  gen{generation} collections: {count / requests:.3f} a request "
            f"({count}), {examined / max(count, 1):,.0f} objects examined each, "
            f"{ns / requests / 1000:.2f} us a request inside them"
        )
    stats_before, stats_after = before["stats"], after["stats"]
    collected = sum(
        b["collected"] - a["collected"] for a, b in zip(stats_before, stats_after, strict=True)
    )
    print(
        f"  objects freed by the collector: {collected / requests:.2f} a request; "
        f"threshold {after['threshold']}, frozen {after['frozen']:,}, "
        f"allocated blocks {before['blocks']:,} -> {after['blocks']:,}"
    )


async def _strace_run(server: Server, connections: int, seconds: int, folder: Path) -> None:
    assert server.process is not None
    summary = folder / f"strace-{server.name.replace(' ', '-')}.txt"
    tracer = subprocess.Popen(  # noqa: ASYNC220 (attached while wrk runs, stopped by a signal)
        ["strace", "-c", "-f", "-o", str(summary), "-p", str(server.process.pid)],
        stderr=subprocess.DEVNULL,
    )
    await asyncio.sleep(1)
    load = await _wrk(server, connections, seconds)
    tracer.send_signal(signal.SIGINT)
    tracer.wait(timeout=30)
    requests = max(load.requests, 1)
    print(f"  strace run: {load.rate:,.0f} req/s (traced), {load.requests} requests")
    calls: list[tuple[str, int]] = []
    for line in summary.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
            calls.append((parts[-1], int(parts[3])))
    calls.sort(key=lambda item: -item[1])
    print(
        "  system calls a request: "
        + ", ".join(f"{name} {count / requests:.3f}" for name, count in calls[:10])
    )


def _perf_shares(data: Path, sort: str, limit: int) -> list[str]:
    report = subprocess.run(
        ["perf", "report", "-i", str(data), "--no-children", "--sort", sort, "--stdio",
         "--percent-limit", "0.7", "-g", "none"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [
        line.strip()
        for line in report.stdout.splitlines()
        if line.strip() and not line.startswith("#") and "%" in line
    ]
    return lines[:limit]


async def _perf_run(server: Server, connections: int, seconds: int, folder: Path) -> None:
    assert server.process is not None
    data = folder / f"perf-{server.name.replace(' ', '-')}.data"
    recorder = subprocess.Popen(  # noqa: ASYNC220 (attached while wrk runs, stopped by a signal)
        ["perf", "record", "-e", "cpu-clock", "-g", "-o", str(data), "-p", str(server.process.pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    await asyncio.sleep(1)
    load = await _wrk(server, connections, seconds)
    recorder.send_signal(signal.SIGINT)
    recorder.wait(timeout=60)
    print(f"  perf run: {load.rate:,.0f} req/s (recorded), {load.requests} requests")
    print("  shares by library:")
    for line in _perf_shares(data, "dso", 12):
        print(f"    {line}")
    print("  shares by function:")
    for line in _perf_shares(data, "dso,sym", 30):
        print(f"    {line}")


async def measure(server: Server, arguments: argparse.Namespace, folder: Path) -> None:
    out = folder / f"probe-{server.name.replace(' ', '-')}.json"
    server.env = {
        **server.env,
        PROBE_VARIABLE: str(out),
        "PYTHONPATH": os.pathsep.join(
            [str(folder / "probe"), *filter(None, [server.env.get("PYTHONPATH")])]
        ),
    }
    server.start()
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            await server.wait_ready(client)
        print(f"{server.name}:")
        await _wrk(server, arguments.connections, WARM_SECONDS)
        await _gc_run(server, out, arguments.connections, arguments.seconds)
        if arguments.strace:
            await _strace_run(server, arguments.connections, arguments.seconds, folder)
        if arguments.perf:
            await _perf_run(server, arguments.connections, arguments.seconds, folder)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sqlite-path", required=True)
    parser.add_argument("--target", choices=["ours", "floor", "both"], default="both")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for ours")
    parser.add_argument("--no-perf", dest="perf", action="store_false")
    parser.add_argument("--no-strace", dest="strace", action="store_false")
    parser.add_argument("--keep", type=Path, help="keep the perf data and strace summaries here")
    arguments = parser.parse_args()
    path = str(Path(arguments.sqlite_path).expanduser().resolve())
    print(f"load average {os.getloadavg()[0]:.2f}")
    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="served-cycles-"))
    (folder / "probe").mkdir(parents=True, exist_ok=True)
    (folder / "probe" / "sitecustomize.py").write_text(PROBE)
    servers: list[Server] = []
    logs = folder / "logs"
    if arguments.target in ("ours", "both"):
        server = ours("sqlite", f"sqlite+aiosqlite:///{path}", 1, arguments.port, logs, [])
        server.env.update(setting.split("=", 1) for setting in arguments.env)
        servers.append(server)
    if arguments.target in ("floor", "both"):
        servers.append(floor("sqlite", f"sqlite:///{path}", 1, arguments.port + 1, logs))
    for server in servers:
        asyncio.run(measure(server, arguments, folder))
    print(f"perf data and strace summaries in {folder}")


if __name__ == "__main__":
    main()
