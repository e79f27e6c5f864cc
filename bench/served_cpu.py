"""Where the serving process's time goes under wrk: CPU a request, and whether the process is
ever idle or only waiting for a core. Ours (`profiling serve`) against the raw floor
(bench/peers_floor.py), one process each, on the SQLite bench file, the small query.

    PYTHONPATH=$PWD .venv/bin/python bench/served_cpu.py --sqlite-path PEERS.sqlite \\
        [--target ours|floor|both] [--connections 8] [--seconds 6] [--port 18500]

For each server: start it, warm it with 2 s of wrk, then read every thread's counters of the
serving process before and after `--seconds` of wrk (one wrk thread, as bench/peers.py runs it):
- user and system CPU a request (/proc/PID/task/TID/stat, clock ticks);
- voluntary and involuntary context switches a request (/proc/PID/task/TID/status): a
  voluntary one is the event loop blocking in epoll_wait with nothing to do (idle); an
  involuntary one is the kernel taking the core away while the thread could still run;
- the share of the wall time each thread was on a core and was runnable but waiting for one
  (/proc/PID/task/TID/schedstat, nanoseconds, exact);
- the machine's idle share over the same seconds (/proc/stat), since other processes share the
  cores.
CPU a request and the switches do not move much with the machine's load; the shares of wall
time and the rates do (quote them only with `uptime`'s load, printed first). Data:
bench/peers_data.py's SQLite data set."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from peers_load import Load, run_wrk, wrk_or_exit  # noqa: E402
from peers_servers import Server, floor, ours  # noqa: E402

ACCOUNTS = 1000
WARM_SECONDS = 2


@dataclass(frozen=True)
class ThreadCounters:
    """One thread's cumulative counters (ticks, switches, nanoseconds)."""

    user_ticks: int
    system_ticks: int
    voluntary: int
    involuntary: int
    on_cpu_ns: int
    waiting_ns: int


def thread_counters(pid: int) -> dict[str, ThreadCounters]:
    counters: dict[str, ThreadCounters] = {}
    for thread in os.listdir(f"/proc/{pid}/task"):
        folder = f"/proc/{pid}/task/{thread}"
        # Fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
        stat = Path(f"{folder}/stat").read_text().rsplit(")", 1)[1].split()
        status = dict(
            line.split(":", 1)
            for line in Path(f"{folder}/status").read_text().splitlines()
            if "ctxt_switches" in line
        )
        on_cpu, waiting = Path(f"{folder}/schedstat").read_text().split()[:2]
        counters[thread] = ThreadCounters(
            user_ticks=int(stat[11]),
            system_ticks=int(stat[12]),
            voluntary=int(status["voluntary_ctxt_switches"]),
            involuntary=int(status["nonvoluntary_ctxt_switches"]),
            on_cpu_ns=int(on_cpu),
            waiting_ns=int(waiting),
        )
    return counters


def machine_ticks() -> list[int]:
    """The machine's cumulative CPU ticks: user, nice, system, idle, iowait, irq, softirq,
    steal."""
    return [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def report(
    server: Server,
    before: dict[str, ThreadCounters],
    after: dict[str, ThreadCounters],
    machine: list[int],
    load: Load,
    wall: float,
) -> None:
    tick = os.sysconf("SC_CLK_TCK")
    requests = max(load.requests, 1)
    total = sum(machine) or 1
    print(
        f"{server.name}: {load.rate:,.0f} req/s, {load.requests} requests, errors {load.errors}; "
        f"machine idle {100 * machine[3] / total:.1f}%, steal {100 * machine[7] / total:.1f}%"
    )
    for thread in sorted(after, key=int):
        if thread not in before:
            continue
        a, b = before[thread], after[thread]
        user = (b.user_ticks - a.user_ticks) / tick / requests * 1e6
        system = (b.system_ticks - a.system_ticks) / tick / requests * 1e6
        on_cpu = (b.on_cpu_ns - a.on_cpu_ns) / 1e9 / wall
        if user + system == 0 and on_cpu < 0.001:
            continue  # a thread that slept all along
        print(
            f"  thread {thread}: user {user:.1f} us + sys {system:.1f} us a request; "
            f"switches a request: voluntary {(b.voluntary - a.voluntary) / requests:.3f}, "
            f"involuntary {(b.involuntary - a.involuntary) / requests:.3f}; "
            f"on a core {100 * on_cpu:.1f}% of the time, runnable and waiting for one "
            f"{100 * (b.waiting_ns - a.waiting_ns) / 1e9 / wall:.1f}%"
        )


async def measure(server: Server, connections: int, seconds: int) -> None:
    wrk = wrk_or_exit()
    server.start()
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            await server.wait_ready(client)
        assert server.process is not None
        pid = server.process.pid  # one process: uvicorn serves in the process it starts in
        path, body = server.dialect.small_path, server.dialect.small
        await run_wrk(
            wrk, server.port, path, body, connections=connections, seconds=WARM_SECONDS,
            accounts=ACCOUNTS,
        )  # fmt: skip
        before, ticks_before, started = thread_counters(pid), machine_ticks(), time.monotonic()
        load = await run_wrk(
            wrk, server.port, path, body, connections=connections, seconds=seconds,
            accounts=ACCOUNTS,
        )  # fmt: skip
        wall = time.monotonic() - started
        after, ticks_after = thread_counters(pid), machine_ticks()
        machine = [b - a for a, b in zip(ticks_before, ticks_after, strict=True)]
        report(server, before, after, machine, load, wall)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-path", required=True)
    parser.add_argument("--target", choices=["ours", "floor", "both"], default="both")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--port", type=int, default=18500)
    arguments = parser.parse_args()
    path = str(Path(arguments.sqlite_path).resolve())
    print(f"load average {os.getloadavg()[0]:.2f} (shares of wall time mean little above ~1.5)")
    logs = Path(tempfile.mkdtemp(prefix="served-cpu-"))
    servers: list[Server] = []
    if arguments.target in ("ours", "both"):
        servers.append(ours("sqlite", f"sqlite+aiosqlite:///{path}", 1, arguments.port, logs, []))
    if arguments.target in ("floor", "both"):
        servers.append(floor("sqlite", f"sqlite:///{path}", 1, arguments.port + 1, logs))
    for server in servers:
        asyncio.run(measure(server, arguments.connections, arguments.seconds))


if __name__ == "__main__":
    main()
