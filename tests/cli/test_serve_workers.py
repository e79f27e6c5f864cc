"""`profiling serve`: two workers answer on one port; idle connections close after --keep-alive."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cli.test_main import PROFILING, _free_port, env, run

__all__ = ["env"]  # the fixture, used by name below

QUERY = "{ industries { industryId name } metricDefinitions { name unit } }"


@contextlib.contextmanager
def serving(
    options: list[str], env: dict[str, str], log_path: Path, *, workers: int = 1
) -> Iterator[int]:
    """`profiling serve --no-auth OPTIONS` on a free port, once all its workers have started."""
    port = _free_port()
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [PROFILING, "serve", "--no-auth", "--port", str(port), *options],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while log_path.read_text().count("Application startup complete") < workers:
                if time.monotonic() > deadline:
                    pytest.fail("the server did not start within 60 s:\n" + log_path.read_text())
                time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_two_workers_answer_on_one_port(env: dict[str, str], tmp_path: Path) -> None:
    assert run("demo", "--scale", "0.05", env=env).returncode == 0
    log_path = tmp_path / "serve.log"
    with (
        serving(["--workers", "2"], env, log_path, workers=2) as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http,
    ):
        answers = [http.post("/graphql", json={"query": QUERY}) for _ in range(20)]
    assert all(answer.status_code == 200 for answer in answers)
    bodies = [answer.json() for answer in answers]
    assert all("errors" not in body for body in bodies)
    assert all(body == bodies[0] for body in bodies)
    assert len(bodies[0]["data"]["industries"]) == 12
    workers = {
        line for line in log_path.read_text().splitlines() if "Started server process" in line
    }
    assert len(workers) == 2, log_path.read_text()


def _closed_after(port: int, idle: float) -> bool:
    """Whether the server closes a kept-alive connection left idle for `idle` seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = b""
        while b'"ok"' not in answer:
            chunk = connection.recv(4096)
            assert chunk, answer
            answer += chunk
        time.sleep(idle)
        connection.settimeout(0.5)
        try:
            return connection.recv(1) == b""
        except TimeoutError:
            return False


def test_keep_alive_sets_how_long_idle_connections_stay_open(
    env: dict[str, str], tmp_path: Path
) -> None:
    with serving(["--keep-alive", "1"], env, tmp_path / "serve.log") as port:
        assert not _closed_after(port, 0.2)
        assert _closed_after(port, 2.5)
    refused = run("serve", "--keep-alive", "0", env=env)
    assert refused.returncode != 0
    assert "keep-alive" in refused.stderr + refused.stdout


@pytest.mark.parametrize(("share", "lines"), [("0", 0), ("0.5", 3)])
def test_the_access_log_keeps_its_share_of_requests(
    env: dict[str, str], tmp_path: Path, share: str, lines: int
) -> None:
    assert run("demo", "--scale", "0.05", env=env).returncode == 0
    log_path = tmp_path / "serve.log"
    with (
        serving([], {**env, "PROFILING_ACCESS_LOG_SAMPLE": share}, log_path) as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http,
    ):
        for _ in range(6):
            assert http.post("/graphql", json={"query": QUERY}).status_code == 200
        time.sleep(0.5)  # the log's lines reach the file
    logged = [line for line in log_path.read_text().splitlines() if "POST /graphql" in line]
    assert len(logged) == lines, log_path.read_text()
