"""The large query over HTTP: ours against the raw floor, and optionally another checkout of ours.

    .venv/bin/python bench/large_http.py --store postgres|sqlite [--rounds 3] [--requests 30]
        [--other-tree /path/to/another/checkout] [--port 8321]
        [--postgres-url postgresql://.../bench_peers]
        [--sqlite-path ~/.cache/profiling-bench/peers.db]

Starts the raw floor (bench/peers_floor.py under uvicorn, as bench/peers.py runs it), our
server (`profiling serve --no-auth`, one worker) from this checkout and, with --other-tree,
from another one (say main extracted with `git archive`), each on a loopback port of its own
from --port on. Then, round after round in a rotating order, sends each `--requests` large
queries one after the other (100 accounts, 12,000 rows: bench/peers_queries.py) and prints the
median and fastest latency and the server's CPU time per request, read from /proc (user +
system of the server's process and its children): the figure that holds on a busy machine,
where latencies follow the load. The data sets are bench/peers.py's (built by it); every
server must answer the same number of bytes.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from peers_queries import OURS

REPOSITORY = Path(__file__).resolve().parent.parent
BENCH = REPOSITORY / "bench"
FLOOR_BODY = b'{"variables": {"first": 100}}'


def _urls(arguments: argparse.Namespace) -> tuple[str, str]:
    """The store's URL for our server and for the floor."""
    if arguments.store == "postgres":
        plain = arguments.postgres_url
        return plain.replace("postgresql://", "postgresql+asyncpg://", 1), plain
    path = arguments.sqlite_path.expanduser()
    return f"sqlite+aiosqlite:///{path}", f"sqlite:///{path}"


def _start(
    name: str, tree: Path | None, urls: tuple[str, str], port: int
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    if tree is None:  # the floor
        command = [sys.executable, "-m", "uvicorn", "peers_floor:create_app", "--factory"]
        command += ["--app-dir", str(BENCH), "--host", "127.0.0.1", "--port", str(port)]
        command += ["--loop", "uvloop", "--http", "httptools", "--no-access-log"]
        command += ["--log-level", "warning"]
        env["PEERS_FLOOR_DATABASE"] = urls[1]
        folder = REPOSITORY
    else:
        command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--no-auth"]
        command += ["--workers", "1", "--log-format", "text"]
        env.update(DATABASE_URL=urls[0], PYTHONPATH=str(tree))
        folder = tree
    server = subprocess.Popen(command, env=env, cwd=folder, stdout=subprocess.DEVNULL)
    ready = f"http://127.0.0.1:{port}/" + ("healthz" if tree is not None else "ready")
    for _ in range(300):
        try:
            httpx.get(ready, timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"{name} did not start on port {port}")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its children, from /proc."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for one in pids:
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _measure(
    is_floor: bool, port: int, server: subprocess.Popen[bytes], requests: int
) -> tuple[float, float, float, int]:
    path, body = ("/large", FLOOR_BODY) if is_floor else ("/graphql", OURS.large.encode())
    headers = {"content-type": "application/json"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as http:
        for _ in range(3):
            answer = http.post(path, content=body)
            if answer.status_code != 200:
                raise SystemExit(f"port {port} answered {answer.status_code}: {answer.text[:300]}")
        size = len(answer.content)
        times = []
        cpu = _cpu_seconds(server.pid)
        for _ in range(requests):
            start = time.perf_counter()
            http.post(path, content=body)
            times.append(time.perf_counter() - start)
        cpu = _cpu_seconds(server.pid) - cpu
    return statistics.median(times) * 1e3, min(times) * 1e3, cpu / requests * 1e3, size


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", choices=["postgres", "sqlite"], required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--other-tree", type=Path, help="another checkout of ours to compare")
    parser.add_argument("--port", type=int, default=8321, help="the first of 3 loopback ports")
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_peers"
    )
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    arguments = parser.parse_args()
    urls = _urls(arguments)
    trees: dict[str, Path | None] = {"floor": None, "ours": REPOSITORY}
    if arguments.other_tree:
        trees["other"] = arguments.other_tree.resolve()
    ports = {name: arguments.port + number for number, name in enumerate(trees)}
    servers: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, tree in trees.items():
            servers[name] = _start(name, tree, urls, ports[name])
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
        names = list(trees)
        for round_number in range(arguments.rounds):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                median, fastest, cpu, size = _measure(
                    trees[name] is None, ports[name], servers[name], arguments.requests
                )
                results[name].append((median, fastest, cpu))
                print(
                    f"{arguments.store} round {round_number} {name:5s}: median {median:6.1f} ms, "
                    f"fastest {fastest:6.1f} ms, server CPU {cpu:5.1f} ms a request, "
                    f"{size:,} bytes (load {os.getloadavg()[0]:.2f})",
                    flush=True,
                )
        for name, found in results.items():
            print(
                f"{arguments.store} {name:5s}: median of medians "
                f"{statistics.median(r[0] for r in found):6.1f} ms, fastest "
                f"{min(r[1] for r in found):6.1f} ms, median server CPU "
                f"{statistics.median(r[2] for r in found):5.1f} ms a request"
            )
    finally:
        for server in servers.values():
            server.send_signal(signal.SIGINT)
        for server in servers.values():
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
