"""The speed targets, each against its raw baseline, measured in one run on one database.

    .venv/bin/python bench/targets.py [--database-url URL] [--seconds 4]

1. In process (the ASGI app, HTTP request to JSON bytes) for 10 and 1,000 accounts x 10 metrics
   x 12 months, against the raw path: the same rows fetched with the driver and serialized with
   orjson (bench/metrics_query.py does 1 to 1,000 accounts). The targets compare the same
   fields; the rows marked "+ formattedValue" also format every value for its unit and locale,
   work the raw path does not do, and show what that costs.
2. Over HTTP on loopback, `profiling serve` against a raw Starlette endpoint that serves the
   same rows with orjson from the same database (it lives here, not in the product), both
   under uvicorn with uvloop and httptools:
   - 100 accounts x 10 metrics x 12 months, one request at a time: median time, with the raw
     path's fields and with formattedValue as well;
   - the small query (one account, its ten rows of the last full month), one client at a
     time: throughput, p50 and p99, as query text and as a persisted query (hash only);
   - `serve --workers 1` against `--workers 2`, four clients at once: throughput of the small
     persisted query, and of 10 accounts (1,200 rows), where the server's work dominates.

Without --database-url it builds a temporary SQLite database. A PostgreSQL URL is wiped and
refilled: point it at a scratch database. Request loops stop after --seconds or 20,000
requests, whichever comes first, and only ever talk to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
from metrics_query import (
    FIELDS,
    INDUSTRIES,
    RAW_FIELDS,
    accounts_query,
    fill,
    industries_query,
    raw_baseline,
    raw_payload,
)
from scratch import fresh_database
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from server.served_app import freeze_startup_objects
from settings import load_settings, normalize_database_url
from store.engine import create_engine

TODAY = "2024-01-15"  # the last full month is 2023-12, the data's last month
LAST_MONTH = "2023-12-01"
MAX_REQUESTS = 20_000
PROFILING = str(Path(sys.executable).parent / "profiling")

ONE_ACCOUNT = f"""query ($id: String!) {{ account(accountId: $id) {{
    metrics(lastFullMonth: true) {{ {FIELDS} }} }} }}"""
RAW_ROWS = (
    "SELECT v.entity_id, v.metric_name, v.value, d.unit, v.effective_date "
    "FROM metric_value v JOIN metric_definition d ON d.name = v.metric_name "
    "WHERE v.level = 'account' AND v.entity_id IN ({marks}){month} "
    "ORDER BY v.entity_id, v.metric_name, v.effective_date"
)


# --- the raw endpoint ------------------------------------------------------------------------


def raw_app(database_url: str) -> Any:
    """GET /rows?first=N (the first N accounts' rows) or ?account=ID (its last month's rows)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    engine = create_engine(database_url)

    async def rows(request: Request) -> Response:
        account = request.query_params.get("account")
        if account is not None:
            ids = [account]
            month = " AND v.effective_date = :month"
        else:
            first = int(request.query_params.get("first", "1"))
            ids = [f"acc-{a:05d}" for a in range(first)]
            month = ""
        marks = ", ".join(f":a{n}" for n in range(len(ids)))
        params: dict[str, Any] = {f"a{n}": value for n, value in enumerate(ids)}
        if month:
            params["month"] = dt.date.fromisoformat(LAST_MONTH)
        async with engine.connect() as connection:
            result = await connection.execute(
                text(RAW_ROWS.format(marks=marks, month=month)), params
            )
            found = result.all()
        return Response(orjson.dumps(raw_payload(found)), media_type="application/json")

    return Starlette(routes=[Route("/rows", rows)])


def serve_raw(port: int, database_url: str) -> None:
    import uvicorn

    from server.served_app import event_loop, http_parser

    uvicorn.run(
        raw_app(database_url),
        host="127.0.0.1",
        port=port,
        loop=event_loop(),
        http=http_parser(),
        log_level="warning",
    )


# --- a lean HTTP/1.1 client, so that the client costs little beside the servers ---------------


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def post(path: str, body: object) -> bytes:
    data = orjson.dumps(body)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


async def check(port: int, request: bytes) -> None:
    connection = await Connection.open(port)
    status, body = await connection.send(request)
    connection.close()
    if status != 200 or b'"errors"' in body:
        raise RuntimeError(f"unexpected answer {status}: {body[:300]!r}")


async def timed(port: int, request: bytes, repeat: int) -> float:
    """Median seconds of one request, after a warm-up."""
    connection = await Connection.open(port)
    times = []
    for attempt in range(repeat + 1):
        started = time.perf_counter()
        await connection.send(request)
        if attempt:
            times.append(time.perf_counter() - started)
    connection.close()
    return statistics.median(times)


async def hammer(
    port: int,
    request: bytes,
    *,
    clients: int,
    seconds: float,
    register: bytes | None = None,
    reconnect_every: int | None = None,
) -> list[float]:
    """Latencies of back-to-back requests from `clients` connections, bounded in time and count.

    With `register`, a worker that does not know a persisted query yet is sent the query, as an
    Apollo client does. With `reconnect_every`, each client opens a new connection after that
    many requests: the workers of `serve --workers N` share one listening socket, and an idle
    worker can accept every connection opened at once, so long-lived connections would measure
    one worker."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    per_client = MAX_REQUESTS // clients

    async def client() -> None:
        connection = await Connection.open(port)
        for sent in range(per_client):
            if reconnect_every and sent % reconnect_every == 0 and sent:
                connection.close()
                connection = await Connection.open(port)
            started = time.perf_counter()
            status, body = await connection.send(request)
            if register is not None and b"PersistedQueryNotFound" in body:
                status, body = await connection.send(register)
            ended = time.perf_counter()
            if status != 200 or b'"errors"' in body:
                raise RuntimeError(f"unexpected answer {status}: {body[:300]!r}")
            latencies.append(ended - started)
            if ended > deadline:
                break
        connection.close()

    await client_warm_up(port, request)
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    latencies.append(time.perf_counter() - started)  # the last entry is the wall time
    return latencies


async def client_warm_up(port: int, request: bytes) -> None:
    connection = await Connection.open(port)
    for _ in range(50):
        await connection.send(request)
    connection.close()


def throughput(latencies: list[float]) -> tuple[float, float, float]:
    wall, each = latencies[-1], sorted(latencies[:-1])
    p99 = each[min(len(each) - 1, int(len(each) * 0.99))]
    return len(each) / wall, statistics.median(each) * 1000, p99 * 1000


# --- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running(command: list[str], env: dict[str, str], port: int) -> Iterator[int]:
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        output = log.read()[-2000:]
                        raise RuntimeError(f"{command} did not start: {output!r}") from None
                    time.sleep(0.1)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)


def serve(database_url: str, workers: int) -> contextlib.AbstractContextManager[int]:
    port = free_port()
    command = [PROFILING, "serve", "--no-auth", "--port", str(port), "--workers", str(workers)]
    env = {"DATABASE_URL": database_url, "PROFILING_TODAY": TODAY}
    return running(command, env, port)


def serve_raw_endpoint(database_url: str) -> contextlib.AbstractContextManager[int]:
    port = free_port()
    command = [sys.executable, __file__, "--raw-server", str(port), "--database-url", database_url]
    return running(command, {"PYTHONPATH": str(Path(__file__).parents[1])}, port)


# --- the run ---------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def filled_database(database_url: str | None) -> AsyncIterator[tuple[str, AsyncEngine]]:
    with tempfile.TemporaryDirectory() as folder:
        url = normalize_database_url(
            database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        )
        engine = await fresh_database(url)
        await fill(engine)
        try:
            yield url, engine
        finally:
            await engine.dispose()


async def in_process(engine: AsyncEngine, repeat: int) -> list[tuple[str, ...]]:
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    app = create_app(
        require_keys=False, settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine
    )
    freeze_startup_objects()  # as `profiling serve` does once its app is built
    rows: list[tuple[str, ...]] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for count, fields in ((10, RAW_FIELDS), (1000, RAW_FIELDS), (10, FIELDS), (1000, FIELDS)):
            query = industries_query(fields) if count == 1000 else accounts_query(fields)
            body = {"query": query, "variables": {"first": count}}
            ids = [f"acc-{a:05d}" for a in range(count)]
            server, raw = [], []
            for attempt in range(repeat + 1):
                statements.clear()
                started = time.perf_counter()
                response = await http.post("/graphql", json=body)
                elapsed = time.perf_counter() - started
                if response.status_code != 200 or b'"errors"' in response.content:
                    raise RuntimeError(f"unexpected answer: {response.text[:300]}")
                base = await raw_baseline(engine, ids)
                if attempt:
                    server.append(elapsed)
                    raw.append(base)
            s, r = statistics.median(server), statistics.median(raw)
            rows.append(
                (
                    f"in process, {count:,} accounts ({count * 120:,} rows, {len(statements)} SQL)"
                    + _formatted(fields),
                    f"{s * 1000:,.0f} ms",
                    f"{r * 1000:,.0f} ms",
                    f"{s / r:.2f}x time",
                    "<= 2x" if fields == RAW_FIELDS else "(no target)",
                )
            )
    return rows


def _formatted(fields: str) -> str:
    return " + formattedValue" if "formattedValue" in fields else ""


async def over_http(url: str, seconds: float, repeat: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    large = post("/graphql", {"query": accounts_query(RAW_FIELDS), "variables": {"first": 100}})
    large_formatted = post(
        "/graphql", {"query": accounts_query(FIELDS), "variables": {"first": 100}}
    )
    medium = post("/graphql", {"query": accounts_query(FIELDS), "variables": {"first": 10}})
    small_variables = {"id": "acc-00001"}
    small = post("/graphql", {"query": ONE_ACCOUNT, "variables": small_variables})
    sha = hashlib.sha256(ONE_ACCOUNT.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    small_hash = post("/graphql", {"extensions": persisted, "variables": small_variables})
    register = post(
        "/graphql", {"query": ONE_ACCOUNT, "extensions": persisted, "variables": small_variables}
    )
    raw_large = get("/rows?first=100")
    raw_small = get("/rows?account=acc-00001")

    with serve_raw_endpoint(url) as raw_port, serve(url, 1) as port:
        for request, on in (
            (large, port),
            (large_formatted, port),
            (medium, port),
            (small, port),
            (raw_large, raw_port),
            (raw_small, raw_port),
        ):
            await check(on, request)
        await check(port, register)
        raw_ms = await timed(raw_port, raw_large, repeat)
        for request, fields in ((large, RAW_FIELDS), (large_formatted, FIELDS)):
            graphql_ms = await timed(port, request, repeat)
            rows.append(
                (
                    "HTTP, 100 accounts (12,000 rows), one at a time" + _formatted(fields),
                    f"{graphql_ms * 1000:,.0f} ms",
                    f"{raw_ms * 1000:,.0f} ms",
                    f"{graphql_ms / raw_ms:.2f}x time",
                    "<= 2x" if fields == RAW_FIELDS else "(no target)",
                )
            )
        raw_rate, raw_p50, raw_p99 = throughput(
            await hammer(raw_port, raw_small, clients=1, seconds=seconds)
        )
        for label, request in (("query text", small), ("persisted query", small_hash)):
            latencies = await hammer(port, request, clients=1, seconds=seconds, register=register)
            rate, p50, p99 = throughput(latencies)
            rows.append(
                (
                    f"HTTP, one account (10 rows), one client, {label}",
                    f"{rate:,.0f}/s p50 {p50:.2f} p99 {p99:.2f} ms",
                    f"{raw_rate:,.0f}/s p50 {raw_p50:.2f} p99 {raw_p99:.2f} ms",
                    f"{rate / raw_rate:.2f}x rate",
                    ">= 0.5x",
                )
            )
    # Four clients on two cores: the clients take CPU too, so the small query (about 1 ms of
    # server work) shows how far the machine goes, and 10 accounts (1,200 rows, where the
    # server's work dominates) how throughput follows the workers.
    # Clients reconnect now and then (every request for the slower query, where a new
    # connection costs little beside it), so that connections spread over the workers.
    for label, request, register_with, reconnect_every in (
        ("one account (persisted)", small_hash, register, 20),
        ("10 accounts (1,200 rows)", medium, None, 1),
    ):
        rates = []
        for workers in (1, 2):
            with serve(url, workers) as port:
                latencies = await hammer(
                    port,
                    request,
                    clients=4,
                    seconds=seconds,
                    register=register_with,
                    reconnect_every=reconnect_every,
                )
                rate, _p50, _p99 = throughput(latencies)
                rates.append(rate)
        rows.append(
            (
                f"HTTP, {label}, 4 clients: --workers 2 vs 1",
                f"{rates[1]:,.0f}/s",
                f"{rates[0]:,.0f}/s",
                f"{rates[1] / rates[0]:.2f}x rate",
                "scales with cores",
            )
        )
    return rows


async def main(database_url: str | None, seconds: float, repeat: int) -> None:
    async with filled_database(database_url) as (url, engine):
        print(f"database: {engine.dialect.name}; {INDUSTRIES * 100:,} accounts x 10 metrics x 12")
        rows = await in_process(engine, repeat)
        rows += await over_http(url, seconds, repeat)
    header = ("measure", "GraphQL", "raw", "ratio", "target")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--raw-server", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.raw_server:
        serve_raw(arguments.raw_server, normalize_database_url(arguments.database_url))
    else:
        asyncio.run(main(arguments.database_url, arguments.seconds, arguments.repeat))
