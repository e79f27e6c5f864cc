"""The small query's instructions a request in the serving process, uvicorn included, under
callgrind: ours (`profiling serve`) against the raw floor (bench/peers_floor.py), each under
the same uvicorn, asked over a real loopback connection.

    PYTHONPATH=$PWD .venv/bin/python bench/served_instructions.py --sqlite-path PEERS.sqlite \\
        [--target ours|floor] [--requests 300] [--blocks 4] [--port 18500] [--checkout PATH] \\
        [--env NAME=VALUE ...] [--serve-option --no-...] [--with-keys] [--keep /tmp/served.out] \\
        [--connections 8] [--valgrind-option=--LL=1048576,8,64] \\
        [--large --warm-up 10 --requests 10 --blocks 2]

Starts the server under `valgrind --tool=callgrind --instr-atstart=no` (ours: `python -m
cli.main serve --no-auth --log-format text` with the access log off, as bench/peers.py runs it;
the floor: `python -m uvicorn peers_floor:create_app` with the flags bench/peers_servers.py
gives it), waits until it answers, sends 200 requests of warm-up from this process (a plain
socket, one keep-alive connection, the account changing each request, the headers wrk sends),
then turns the instrumentation on and dumps a part after each of `--blocks` blocks of
`--requests` requests, and after as many idle waits of 3 s. A request's instructions are the
least of the blocks' (less the least idle rate times the block's duration: uvicorn's timer
ticks ten times a second, which valgrind's slowness would otherwise charge to the requests
fifty times over) over its requests: anything else the process does now and then (ours
refreshes its list sizes every minute) only adds to a block. The figure covers everything the
process does for a request (httptools, uvloop's callbacks, uvicorn's protocol, the proxy
headers' middleware where it runs, the app), not the client's work or the kernel's, and does
not move with the machine's load. `--checkout` runs ours from another tree (an A/B: `git
archive REV | tar -x -C PATH`); `--env` sets a variable for the server (repeatable, e.g.
`PROFILING_FAST_POSTS=false`); `--serve-option` passes an option to
`profiling serve`; `--with-keys` runs ours with keys required (no `--no-auth`, as a production
server runs) over a copy of the data set given an internal key, which every request sends as
`Authorization: Bearer <key>` (the key's lookup is part of the figure); `--cache-sim` also
counts callgrind's simulated cache misses and branch mispredictions a request (why a request's
instructions can cost more cycles than another's). `--connections N` asks over N keep-alive
connections in rounds (each sends, then each reads its answer), so that the server finds N
requests waiting together as under wrk at N connections; `--valgrind-option` passes an option
to valgrind (e.g. a core's own second-level cache as the simulated last level).
`--large` sends bench/peers.py's large
request instead (the first 100 accounts with their 12,000 rows; the floor's /large), with a
smaller `--warm-up` and `--requests` (a large request takes seconds under callgrind), and also
prints every part's instructions over every request: a block's dump can come before the end of
its last request's work, so with blocks of a few requests the blocks' figures vary by a
request's share (use --requests 10 or more).
Data: bench/peers_data.py's SQLite data set."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPOSITORY = BENCH.parent
WARM_UP = 200
IDLE_SECONDS = 3.0
MONTH = "2023-12-01"
QUERY = (
    "query ($id: String!, $month: Date!) { account(accountId: $id) { "
    "metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }"
)


def _body(target: str, account: str) -> bytes:
    variables = {"id": account, "month": MONTH}
    query = QUERY if target == "ours" else ""
    return json.dumps({"query": query, "variables": variables}, separators=(",", ":")).encode()


def _large_body(target: str) -> bytes:
    """bench/peers.py's large request (the first 100 accounts with their 12,000 rows)."""
    sys.path.insert(0, str(BENCH))
    from peers_queries import FLOOR, OURS

    return (OURS if target == "ours" else FLOOR).large.encode()


class Client:
    """One keep-alive HTTP/1.1 connection sending the small query, reading each answer whole."""

    def __init__(
        self, port: int, target: str, key: str | None = None, *, large: bool = False
    ) -> None:
        self._socket = socket.create_connection(("127.0.0.1", port))
        self._port = port
        self._target = target
        self._path = "/graphql" if target == "ours" else ("/large" if large else "/small")
        self._large = _large_body(target) if large else None
        self._authorization = "" if key is None else f"Authorization: Bearer {key}\r\n"
        self._buffer = b""
        self._count = 0

    def ask(self) -> bytes:
        self.send()
        return self.answer()

    def send(self, offset: int = 0) -> None:
        self._count += 1
        body = self._large or _body(self._target, f"acc-{(self._count + offset) % 1000:05d}")
        head = (
            f"POST {self._path} HTTP/1.1\r\nHost: 127.0.0.1:{self._port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"{self._authorization}\r\n"
        )
        self._socket.sendall(head.encode() + body)

    def answer(self) -> bytes:
        while b"\r\n\r\n" not in self._buffer:
            self._buffer += self._receive()
        head_bytes, _, rest = self._buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head_bytes.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            rest += self._receive()
        self._buffer = rest[length:]
        if not head_bytes.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"unexpected answer: {head_bytes!r} {rest[:length]!r}")
        return rest[:length]

    def _receive(self) -> bytes:
        chunk = self._socket.recv(65536)
        if not chunk:
            raise SystemExit("the server closed the connection")
        return chunk

    def close(self) -> None:
        self._socket.close()


def _round(clients: list[Client]) -> None:
    """One request on each connection, all sent before any answer is read: the server finds
    them waiting together, as under wrk at as many connections."""
    for offset, client in enumerate(clients):
        client.send(offset * 97)
    for client in clients:
        client.answer()


def _command(arguments: argparse.Namespace, out: Path) -> tuple[list[str], dict[str, str], Path]:
    valgrind = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}",
    ]
    if arguments.cache_sim:
        valgrind += ["--cache-sim=yes", "--branch-sim=yes"]
    valgrind += arguments.valgrind_option
    port = str(arguments.port)
    if arguments.target == "floor":
        command = [sys.executable, "-m", "uvicorn", "peers_floor:create_app", "--factory"]
        command += ["--app-dir", str(BENCH), "--host", "127.0.0.1", "--port", port]
        command += ["--loop", "uvloop", "--http", "httptools", "--no-access-log"]
        command += ["--log-level", "warning"]
        env = {**os.environ, "PEERS_FLOOR_DATABASE": f"sqlite:///{arguments.sqlite_path}"}
        return valgrind + command, env, REPOSITORY
    checkout = (arguments.checkout or REPOSITORY).resolve()
    command = [sys.executable, "-m", "cli.main", "serve", "--port", port]
    if not arguments.with_keys:
        command.append("--no-auth")
    command += ["--log-format", "text", *arguments.serve_option]
    env = {
        **os.environ,
        "PROFILING_ACCESS_LOG_SAMPLE": "0",
        "DATABASE_URL": f"sqlite:///{arguments.database}",
        "PYTHONPATH": str(checkout),
        "PYTHONHASHSEED": "0",
    }
    for setting in arguments.env:
        name, _, value = setting.partition("=")
        env[name] = value
    return valgrind + command, env, checkout


def _keyed_copy(sqlite_path: Path, folder: Path) -> tuple[Path, str]:
    """A copy of the data set (the bench's own is never changed) with a new internal key, and
    that key."""
    database = folder / "keyed.db"
    shutil.copyfile(sqlite_path, database)
    created = subprocess.run(
        [sys.executable, "-m", "cli.main", "keys", "create", "--role", "internal"],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(REPOSITORY)},
        cwd=REPOSITORY,
        check=True,
        capture_output=True,
        text=True,
    )
    found = re.search(r"prof_\S+", created.stdout)
    if found is None:
        raise SystemExit(f"no key in {created.stdout!r}")
    return database, found.group()


def _wait_until_up(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"nothing listened on {port} in {seconds:.0f} s")


def _control(pid: int, *command: str) -> None:
    subprocess.run(["callgrind_control", *command, str(pid)], check=True, capture_output=True)


def _totals(path: Path) -> int:
    return _events(path)["Ir"]


def _events(path: Path) -> dict[str, int]:
    """A part file's totals by event name (Ir only, or with --cache-sim the simulated cache
    misses and branch mispredictions too: I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim)."""
    names: list[str] = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("events:"):
            names = line.split()[1:]
        elif line.startswith("totals:"):
            return dict(zip(names, (int(value) for value in line.split()[1:]), strict=False))
    raise SystemExit(f"no totals in {path}")


# The simulated events worth a figure a request: instruction-cache misses, data-cache read and
# write misses (first level, then last level), mispredicted conditional and indirect branches.
MISSES = ("I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw", "Bcm", "Bim")


def measure(arguments: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="served-instructions-") as folder:
        out = Path(folder) / "cg.out"
        key = None
        arguments.database = arguments.sqlite_path
        if arguments.with_keys and arguments.target == "ours":
            arguments.database, key = _keyed_copy(arguments.sqlite_path, Path(folder))
        command, env, cwd = _command(arguments, out)
        log = (Path(folder) / "server.log").open("wb")
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_until_up(arguments.port, process, 900)
            clients = [
                Client(arguments.port, arguments.target, key, large=arguments.large)
                for _ in range(arguments.connections)
            ]
            first = clients[0].ask()
            if b'"metrics":[{' not in first:
                raise SystemExit(f"unexpected answer: {first[:300]!r}")
            rounds = arguments.requests // arguments.connections
            for _ in range(arguments.warm_up // arguments.connections):
                _round(clients)
            _control(process.pid, "-i", "on")
            _control(process.pid, "-d")  # part 1: nothing
            blocks = []
            for _ in range(arguments.blocks):
                started = time.monotonic()
                for _ in range(rounds):
                    _round(clients)
                _control(process.pid, "-d")
                blocks.append(time.monotonic() - started)
            idles = []
            for _ in range(arguments.blocks):
                started = time.monotonic()
                time.sleep(IDLE_SECONDS)
                _control(process.pid, "-d")
                idles.append(time.monotonic() - started)
            for client in clients:
                client.close()
            count = 1 + 2 * arguments.blocks
            totals = [_totals(Path(f"{out}.{number}")) for number in range(2, count + 1)]
            if arguments.cache_sim:
                least = min(range(arguments.blocks), key=lambda block: totals[block])
                events = _events(Path(f"{out}.{least + 2}"))
                print(
                    f"{arguments.target}: simulated a request (block {least + 1}, the least "
                    "instructions; idle not taken off): "
                    + ", ".join(
                        f"{name} {events.get(name, 0) / (rounds * arguments.connections):,.0f}"
                        for name in MISSES
                    )
                )
            if arguments.keep is not None:
                for number in range(1, count + 1):
                    Path(f"{out}.{number}").replace(f"{arguments.keep}.{number}")
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=120)
            log.close()
        requests = rounds * arguments.connections
        # Anything else the process does now and then (the list sizes' refresh every minute,
        # a collection) only adds: the least of the blocks, less the least idle rate.
        idle_rate = min(
            total / seconds for total, seconds in zip(totals[-len(idles) :], idles, strict=True)
        )
        each = [
            (total - idle_rate * seconds) / requests
            for total, seconds in zip(totals[: len(blocks)], blocks, strict=True)
        ]
        if arguments.large:
            # A large request's last work (freeing its answer) can land past its block's dump,
            # in the next part: the sum of every part over every request counts it once.
            print(
                f"{arguments.target}: {sum(totals) / (requests * len(blocks)):,.0f} instructions "
                f"a request, every part (blocks and idle waits) over {requests * len(blocks)} "
                "requests, idle not taken off"
            )
        keys = " (keys required, a key sent)" if key is not None else ""
        print(
            f"{arguments.target}{keys}: {min(each):,.0f} instructions a request, the least of "
            f"{len(each)} blocks of {requests} ({', '.join(f'{value:,.0f}' for value in each)}; "
            f"idle {idle_rate:,.0f} a second taken off)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--target", choices=["ours", "floor"], default="ours")
    parser.add_argument("--sqlite-path", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=300, help="a block's requests")
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument(
        "--connections",
        type=int,
        default=1,
        help="keep-alive connections, each sending its next request once all have answered",
    )
    parser.add_argument("--port", type=int, default=18500)
    parser.add_argument("--checkout", type=Path, help="run ours from this tree")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument("--serve-option", action="append", default=[])
    parser.add_argument(
        "--with-keys",
        action="store_true",
        help="ours with keys required, each request sending an internal key (not --no-auth)",
    )
    parser.add_argument(
        "--cache-sim",
        action="store_true",
        help="also simulate the caches and branch predictors: misses a request",
    )
    parser.add_argument(
        "--valgrind-option",
        action="append",
        default=[],
        help="an option for valgrind, e.g. --valgrind-option=--LL=1048576,8,64 to simulate a "
        "core's own second-level cache as the last level (valgrind's guess takes the host's)",
    )
    parser.add_argument("--keep", type=Path, help="keep the part files as KEEP.1, .2, .3")
    parser.add_argument(
        "--large",
        action="store_true",
        help="bench/peers.py's large request (100 accounts, 12,000 rows) instead of the small",
    )
    parser.add_argument("--warm-up", type=int, default=WARM_UP, help="requests before counting")
    arguments = parser.parse_args()
    arguments.sqlite_path = arguments.sqlite_path.expanduser().resolve()
    measure(arguments)


if __name__ == "__main__":
    main()
