"""`/metrics` in Prometheus's text format: requests, latency, GraphQL errors by code, and the
SQL statements of each request (which must stay flat however many entities a query returns).
It answers internal keys only (or anyone under `serve --no-auth`, on loopback)."""

from __future__ import annotations

import contextvars
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from store.running.routing import ReadRouter

_statements: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "sql_statements", default=None
)


class Observability:
    """The metrics of one app (a registry of its own, so that apps in tests do not collide)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "profiling_http_requests",
            "HTTP requests by path and status",
            ["path", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "profiling_http_request_seconds",
            "HTTP request latency",
            ["path"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.errors = Counter(
            "profiling_graphql_errors",
            "GraphQL errors by extensions.code",
            ["code"],
            registry=self.registry,
        )
        self.sql = Histogram(
            "profiling_sql_statements_per_request",
            "SQL statements run for one GraphQL request",
            buckets=(0, 1, 2, 4, 8, 16, 32, 64, 128),
            registry=self.registry,
        )
        self.reads = Counter(
            "profiling_reads_served",
            "Reads of GraphQL requests by the database that served them (primary, standbyN)",
            ["database"],
            registry=self.registry,
        )
        # Statements run by tasks of a request (DataLoader batches) see its context variable.
        event.listen(engine.sync_engine, "before_cursor_execute", self._count_statement)

    def watch_reads(self, router: ReadRouter) -> None:
        """Counts where the requests' reads run, and the statements run on the standbys."""
        router.on_served = lambda database: self.reads.labels(database=database).inc()
        for standby in router.standbys:
            event.listen(standby.engine.sync_engine, "before_cursor_execute", self._count_statement)

    @staticmethod
    def _count_statement(*_: Any) -> None:
        counter = _statements.get()
        if counter is not None:
            counter[0] += 1

    def count_errors(self, errors: list[dict[str, Any]] | None) -> None:
        for error in errors or ():
            code = (error.get("extensions") or {}).get("code", "UNKNOWN")
            self.errors.labels(code=str(code)).inc()

    def wrap(self, app: ASGIApp, path: str) -> ASGIApp:
        return _Observed(self, app, path)

    async def endpoint(self, _request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    async def metrics_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """`endpoint` as an ASGI app, to sit behind the internal-key check (server/auth.py)."""
        response = await self.endpoint(Request(scope, receive))
        await response(scope, receive, send)


class _Observed:
    """An ASGI app (a class, so that Starlette routes to it as one) that measures another."""

    def __init__(self, observability: Observability, app: ASGIApp, path: str) -> None:
        self._observability = observability
        self._app = app
        self._path = path
        # The labelled series of this path, looked up once rather than on every request
        # (a lookup takes the metric's lock and builds a key: docs/performance.md).
        self._latency = observability.latency.labels(path=path)
        self._requests: dict[int, Counter] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        status = 500
        counter = [0]
        token = _statements.set(counter)
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        observability = self._observability
        try:
            await self._app(scope, receive, send_status)
        finally:
            _statements.reset(token)
            self._latency.observe(time.perf_counter() - started)
            requests = self._requests.get(status)
            if requests is None:
                requests = observability.requests.labels(path=self._path, status=str(status))
                self._requests[status] = requests
            requests.inc()
            if scope.get("method") == "POST":
                observability.sql.observe(counter[0])
