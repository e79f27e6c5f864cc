"""The servers the benchmark compares, each a process group of its own on a loopback port.

ours: `python -m cli.main serve --no-auth --log-format text` of this checkout, access log off
(PROFILING_ACCESS_LOG_SAMPLE=0 unless the environment sets it).
raw floor: bench/peers_floor.py under the same uvicorn (same event loop and HTTP parser).
PostGraphile: bench/postgraphile_cluster.js with the version installed in the cache folder.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from peers_postgraphile import LAUNCHER, Installed
from peers_queries import FLOOR, OURS, POSTGRAPHILE, Dialect

REPOSITORY = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
READY_SECONDS = 120
OURS_NAME = "ours"
FLOOR_NAME = "raw floor"


@dataclass
class Server:
    name: str
    store: str
    processes: int
    command: list[str]
    env: dict[str, str]
    port: int
    dialect: Dialect
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return f"{self.name} on {self.store}, {self.processes} process(es)"

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as sink:
            # A session of its own, so that stop() ends the server with all its workers.
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=REPOSITORY,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _log_tail(self) -> str:
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-15:])

    async def wait_ready(self, client: httpx.AsyncClient) -> None:
        """Until the server answers the small query with a 200; one line if it never does."""
        assert self.process is not None
        deadline = time.monotonic() + READY_SECONDS
        url = f"http://127.0.0.1:{self.port}{self.dialect.small_path}"
        body = self.dialect.small_for("acc-00000")
        headers = {"Content-Type": "application/json"}
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"{self.label} exited with {self.process.returncode} before answering "
                    f"(log {self.log}):\n{self._log_tail()}"
                )
            try:
                response = await client.post(url, content=body, headers=headers)
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
        raise SystemExit(f"{self.label} did not answer within {READY_SECONDS} s (log {self.log})")

    def stop(self) -> None:
        stop_group(self.process)


def stop_group(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a server started in a session of its own, and every process it started: asked
    first (SIGTERM), then killed after 20 s."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _event_loop() -> str:
    # The same choice as `profiling serve` makes, without importing the project.
    return "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"


def _http_parser() -> str:
    return "httptools" if importlib.util.find_spec("httptools") else "h11"


def ours(
    store: str, database_url: str, processes: int, port: int, logs: Path, extra: list[str]
) -> Server:
    command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--no-auth"]
    command += ["--workers", str(processes), "--log-format", "text", *extra]
    return Server(
        name=OURS_NAME,
        store=store,
        processes=processes,
        command=command,
        # No access log, as the floor (uvicorn --no-access-log) and PostGraphile (no query log)
        # run: a line costs about 11 us of a 260 us request. The environment may set it back.
        env={
            "PROFILING_ACCESS_LOG_SAMPLE": "0",
            **os.environ,
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(REPOSITORY),
        },
        port=port,
        dialect=OURS,
        log=logs / f"ours-{store}-{processes}.log",
    )


def floor(store: str, floor_url: str, processes: int, port: int, logs: Path) -> Server:
    command = [sys.executable, "-m", "uvicorn", "peers_floor:create_app", "--factory"]
    command += ["--app-dir", str(BENCH), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(processes), "--loop", _event_loop(), "--http", _http_parser()]
    command += ["--no-access-log", "--log-level", "warning"]
    return Server(
        name=FLOOR_NAME,
        store=store,
        processes=processes,
        command=command,
        env={**os.environ, "PEERS_FLOOR_DATABASE": floor_url},
        port=port,
        dialect=FLOOR,
        log=logs / f"floor-{store}-{processes}.log",
    )


def postgraphile(
    installed: Installed,
    dsn: str,
    schema: str,
    processes: int,
    port: int,
    logs: Path,
    *,
    polyfill: bool,
) -> Server:
    command = ["node", str(LAUNCHER), "--major", str(installed.major)]
    command += ["--modules", str(installed.folder), "--connection", dsn, "--schema", schema]
    command += ["--port", str(port), "--workers", str(processes)]
    if polyfill:
        command += ["--polyfill", "withResolvers"]
    name = installed.label + (" (Node 20 + polyfill)" if polyfill else "")
    return Server(
        name=name,
        store="PostgreSQL",
        processes=processes,
        command=command,
        env={**os.environ, "NODE_ENV": "production", "GRAPHILE_ENV": "production"},
        port=port,
        dialect=POSTGRAPHILE,
        log=logs / f"postgraphile{installed.major}-{processes}.log",
    )
