"""`profiling serve --workers 2`: two processes, each with its own app and engine, one port."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.cli.test_main import PROFILING, _free_port, env, run

__all__ = ["env"]  # the fixture, used by name below

QUERY = "{ industries { industryId name } metricDefinitions { name unit } }"


def test_two_workers_answer_on_one_port(env: dict[str, str], tmp_path: Path) -> None:
    assert run("demo", "--scale", "0.05", env=env).returncode == 0
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [PROFILING, "serve", "--no-auth", "--port", str(port), "--workers", "2"],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while "Application startup complete" not in log_path.read_text().replace(
                "Application startup complete", "", 1
            ):
                if time.monotonic() > deadline:
                    pytest.fail("two workers did not start within 60 s:\n" + log_path.read_text())
                time.sleep(0.2)
            with httpx.Client(base_url=base, timeout=30) as http:
                answers = [http.post("/graphql", json={"query": QUERY}) for _ in range(20)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert all(answer.status_code == 200 for answer in answers)
    bodies = [answer.json() for answer in answers]
    assert all("errors" not in body for body in bodies)
    assert all(body == bodies[0] for body in bodies)
    assert len(bodies[0]["data"]["industries"]) == 12
    workers = {
        line for line in log_path.read_text().splitlines() if "Started server process" in line
    }
    assert len(workers) == 2, log_path.read_text()
