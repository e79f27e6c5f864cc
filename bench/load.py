"""Load: concurrent clients against `profiling serve` over HTTP on loopback.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--scale 0.2] [--workers 1]

Builds a demo database (SQLite in a temporary folder unless DATABASE_URL is set), publishes a
month, creates an internal key, starts `profiling serve` on a free loopback port, and drives it
with a mix of small queries (one account, ten rows) and large ones (100 accounts with a year of
metrics, benchmarks, the pulse report). Prints throughput, latency percentiles and errors. Every
loop is bounded by the duration; traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PROFILING = shutil.which("profiling", path=str(Path(sys.executable).parent)) or "profiling"
TODAY = "2024-03-10"

SMALL = """query ($id: String!) { account(accountId: $id) { name
  metrics(names: ["revenue", "reply_rate"], lastFullMonth: true) { metricName value formattedValue }
} }"""
MEDIUM = """{ sectorBenchmarks(metric: "reply_rate") { sector cohortSize p25 p50 p75 p90 }
  pulseReport { sectorsCovered monthSummary } }"""
LARGE = """query ($after: String) { accounts(first: 100, after: $after) { edges { node { accountId
  metrics(effectiveDates: ["2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01"]) {
    metricName value unit effectiveDate formattedValue } } } } }"""
MIX = (("small", 0.8), ("medium", 0.15), ("large", 0.05))


def _run(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [PROFILING, *args], env=env, capture_output=True, text=True, timeout=600, check=True
    )
    return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def client(
    http: httpx.AsyncClient,
    deadline: float,
    rng: random.Random,
    accounts: list[str],
    latencies: dict[str, list[float]],
    errors: list[str],
) -> None:
    while time.monotonic() < deadline:
        kind = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
        if kind == "small":
            body = {"query": SMALL, "variables": {"id": rng.choice(accounts)}}
        elif kind == "medium":
            body = {"query": MEDIUM}
        else:
            body = {"query": LARGE, "variables": {"after": None}}
        started = time.perf_counter()
        try:
            response = await http.post("/graphql", json=body)
            elapsed = time.perf_counter() - started
            codes = {
                error.get("extensions", {}).get("code")
                for error in (response.json().get("errors") or [])
            }
            # Refusals of small cohorts are answers (the demo has two small sectors).
            if response.status_code != 200 or codes - {"COHORT_TOO_SMALL"}:
                errors.append(f"{kind}: {response.status_code} {response.text[:200]}")
            else:
                latencies[kind].append(elapsed)
        except httpx.HTTPError as exc:
            errors.append(f"{kind}: {type(exc).__name__}")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def drive(base: str, key: str, clients: int, seconds: float, accounts: list[str]) -> None:
    latencies: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
    errors: list[str] = []
    # Idle connections close on the client's side before uvicorn's keep-alive timeout (5 s):
    # with equal timeouts a request can go out on a connection the server is closing.
    limits = httpx.Limits(
        max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(
        base_url=base,
        headers={"Authorization": f"Bearer {key}"},
        limits=limits,
        timeout=30,
    ) as http:
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(
            *(
                client(http, deadline, random.Random(n), accounts, latencies, errors)
                for n in range(clients)
            )
        )
        elapsed = time.monotonic() - started
    total = sum(len(v) for v in latencies.values())
    print(
        f"{clients} clients for {elapsed:.0f} s: {total} requests, {total / elapsed:.0f}/s, "
        f"{len(errors)} errors"
    )
    print(f"{'query':>8} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for kind, values in latencies.items():
        if values:
            print(
                f"{kind:>8} {len(values):>7} {_percentile(values, 0.5):>8.1f} "
                f"{_percentile(values, 0.95):>8.1f} {_percentile(values, 0.99):>8.1f} "
                f"{statistics.mean(values) * 1000:>8.1f}"
            )
    for error in errors[:5]:
        print("error:", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--scale", type=float, default=0.2)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "PROFILING_TODAY": TODAY,
            "DATABASE_URL": os.environ.get("DATABASE_URL")
            or f"sqlite:///{Path(folder) / 'load.db'}",
        }
        _run("demo", "--scale", str(arguments.scale), env=env)
        _run("publish", "--month", "2024-02", env=env)
        key = _run("keys", "create", "--role", "internal", "--name", "load", env=env).split()[-1]
        port = _free_port()
        server = subprocess.Popen(
            [PROFILING, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            accounts = [f"ACC-{n:05d}" for n in range(1, int(1000 * arguments.scale) + 1)]
            asyncio.run(drive(base, key, arguments.clients, arguments.seconds, accounts))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
