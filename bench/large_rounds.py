"""The large query's rounds as bench/peers.py runs them, with where each thread ran and worked.

    PYTHONPATH=$PWD .venv/bin/python bench/large_rounds.py --sqlite-path PEERS.sqlite \\
        [--target ours|floor] [--rounds 6] [--requests 60] [--small-seconds 10] \\
        [--pin CPUS] [--checkout PATH] [--env NAME=VALUE ...] [--port 18500]

Serves ours (`profiling serve --no-auth`, access log off, as bench/peers.py runs it) or the
floor under the same uvicorn, then runs `--rounds` rounds of: the small query at 8 connections
for `--small-seconds` (wrk, bench/peers_load.py's script: what precedes the large query in each
of bench/peers.py's rounds), then `--requests` large requests (the first 100 accounts with their
12,000 rows) one after the other over one keep-alive connection. For each round it prints the
large requests' p50 and fastest wall time, and for each thread of the server that worked (from
/proc: the kernel's counts, not the process's own) its CPU milliseconds a request (user and
system), its context switches a request, and how many of the requests ended with that thread
last on the same CPU as the event loop's thread.

Why: bench/peers.py's p50 of this query on SQLite moved between rounds of one server process
(24.9 to 54.6 ms, the floor's 25.0-25.8) while its instructions a request do not move
(callgrind, `bench/served_instructions.py --large`). Ours reads the 12,000 rows in a reader
thread and answers on the loop's thread; the floor does both on one. A slow round with the
same CPU a request is one that waited; one with more CPU a request and the threads on two
CPUs is one whose rows crossed between cores. `--pin 0` runs the server on one CPU (taskset):
if the slow rounds go away there, the placement of the two threads is what made them slow.
Wall times mean something on a quiet machine only."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPOSITORY = BENCH.parent
sys.path.insert(0, str(BENCH))

from peers_load import run_wrk  # noqa: E402
from peers_queries import FLOOR, OURS  # noqa: E402
from served_instructions import Client, _wait_until_up  # noqa: E402

ACCOUNTS = 1000
TICKS = os.sysconf("SC_CLK_TCK")


def _threads(pid: int) -> dict[int, tuple[int, int, int, int]]:
    """Each thread's user and system ticks, context switches, and the CPU it last ran on
    (proc(5): /proc/PID/task/TID/stat fields 14, 15 and 39, status' ctxt_switches)."""
    found: dict[int, tuple[int, int, int, int]] = {}
    for entry in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = Path(f"/proc/{pid}/task/{entry}/stat").read_text()
            status = Path(f"/proc/{pid}/task/{entry}/status").read_text()
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        switches = sum(
            int(line.split()[1]) for line in status.splitlines() if "ctxt_switches" in line
        )
        found[int(entry)] = (int(fields[11]), int(fields[12]), switches, int(fields[36]))
    return found


def _command(arguments: argparse.Namespace) -> tuple[list[str], dict[str, str], Path]:
    port = str(arguments.port)
    if arguments.target == "floor":
        command = [sys.executable, "-m", "uvicorn", "peers_floor:create_app", "--factory"]
        command += ["--app-dir", str(BENCH), "--host", "127.0.0.1", "--port", port]
        command += ["--loop", "uvloop", "--http", "httptools", "--no-access-log"]
        command += ["--log-level", "warning"]
        env = {**os.environ, "PEERS_FLOOR_DATABASE": f"sqlite:///{arguments.sqlite_path}"}
        cwd = REPOSITORY
    else:
        cwd = (arguments.checkout or REPOSITORY).resolve()
        command = [sys.executable, "-m", "cli.main", "serve", "--port", port, "--no-auth"]
        command += ["--log-format", "text"]
        env = {
            **os.environ,
            "PROFILING_ACCESS_LOG_SAMPLE": "0",
            "DATABASE_URL": f"sqlite:///{arguments.sqlite_path}",
            "PYTHONPATH": str(cwd),
        }
    for setting in arguments.env:
        name, _, value = setting.partition("=")
        env[name] = value
    if arguments.pin:
        command = ["taskset", "--cpu-list", arguments.pin, *command]
    return command, env, cwd


def _round(
    pid: int, client: Client, requests: int, loop_thread: int
) -> tuple[list[float], dict[int, list[int]]]:
    """The large requests' wall times, and per thread: ticks (user, system), switches, and
    requests that ended with it on the loop thread's CPU."""
    before = _threads(pid)
    same: dict[int, int] = {}
    walls = []
    for _ in range(requests):
        started = time.perf_counter()
        client.ask()
        walls.append(time.perf_counter() - started)
        now = _threads(pid)
        loop_cpu = now[loop_thread][3] if loop_thread in now else -1
        for thread, (*_counts, cpu) in now.items():
            same[thread] = same.get(thread, 0) + (cpu == loop_cpu)
    after = _threads(pid)
    worked: dict[int, list[int]] = {}
    for thread, (user, system, switches, _cpu) in after.items():
        user0, system0, switches0, _ = before.get(thread, (0, 0, 0, 0))
        if user - user0 or system - system0:
            worked[thread] = [user - user0, system - system0, switches - switches0, same[thread]]
    return walls, worked


def measure(arguments: argparse.Namespace) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed")
    dialect = OURS if arguments.target == "ours" else FLOOR
    command, env, cwd = _command(arguments)
    process = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_up(arguments.port, process, 120)
        client = Client(arguments.port, arguments.target, large=True)
        for _ in range(5):
            client.ask()
        # The process's main thread (taskset execs the server in its place): the event loop's.
        loop_thread = process.pid
        print(f"{arguments.target}{' pinned to ' + arguments.pin if arguments.pin else ''}:")
        for number in range(arguments.rounds):
            if arguments.small_seconds:
                asyncio.run(
                    run_wrk(
                        wrk,
                        arguments.port,
                        dialect.small_path,
                        dialect.small,
                        connections=8,
                        seconds=arguments.small_seconds,
                        accounts=ACCOUNTS,
                    )
                )
            walls, worked = _round(process.pid, client, arguments.requests, loop_thread)
            requests = arguments.requests
            threads = "; ".join(
                f"{'loop' if thread == loop_thread else 'thread ' + str(thread)}: CPU "
                f"{(user + system) * 1e3 / TICKS / requests:.1f} ms a request (system "
                f"{system * 1e3 / TICKS / requests:.1f}), {switches / requests:.1f} switches, "
                f"on the loop's CPU at {same}/{requests} ends"
                for thread, (user, system, switches, same) in sorted(worked.items())
            )
            print(
                f"round {number + 1}: p50 {statistics.median(walls) * 1e3:.1f} ms, fastest "
                f"{min(walls) * 1e3:.1f} ms (load {os.getloadavg()[0]:.1f}); {threads}",
                flush=True,
            )
        client.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--target", choices=["ours", "floor"], default="ours")
    parser.add_argument("--sqlite-path", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=60, help="large requests a round")
    parser.add_argument("--small-seconds", type=int, default=10, help="0: no small queries")
    parser.add_argument("--pin", help="CPUs for the server (taskset --cpu-list), e.g. 0")
    parser.add_argument("--port", type=int, default=18500)
    parser.add_argument("--checkout", type=Path, help="run ours from this tree")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    arguments = parser.parse_args()
    arguments.sqlite_path = arguments.sqlite_path.expanduser().resolve()
    measure(arguments)


if __name__ == "__main__":
    main()
