"""`/metrics` in Prometheus's text format: requests, latency, GraphQL errors by code, and the
SQL statements of each request (which must stay flat however many entities a query returns).
It answers internal keys only (or anyone under `serve --no-auth`, on loopback).

The counts are kept here, as plain numbers, and handed to prometheus_client by a collector of
our own (its public `Collector` and metric families) when /metrics is read: the client's own
Counter and Histogram take a lock and walk their buckets on every update, three updates a
request, about 4.5 us of a small request's CPU (docs/performance.md). The exposition is the
one those metrics printed, sample for sample (tests/server/test_observability.py holds them
side by side): the same names, help, labels, buckets, values and `_created` times."""

from __future__ import annotations

import contextvars
import os
import time
from bisect import bisect_left
from collections.abc import Awaitable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.direct_calls import direct
from server.server_errors import ServerErrors
from store.running.routing import ReadRouter

# A request's measure, one list (made with `measured()`): the statements it ran, counted by
# the engine's listener through this variable, and the status it was answered with (0 until
# the answer starts; counted as 500 if it never does).
_statements: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "sql_statements", default=None
)
STATEMENTS = 0
STATUS = 1


def measured() -> list[int]:
    """A request's measure: no statements yet, no status."""
    return [0, 0]


def statuses(measure: list[int], send: Send) -> Send:
    """`send` writing the status of the answer into `measure` when it starts."""

    def send_status(message: Message) -> Awaitable[None]:
        # Not a coroutine of its own: `send`'s, which the app awaits (a layer fewer each
        # message).
        if message["type"] == "http.response.start":
            measure[STATUS] = message["status"]
        return send(message)

    return send_status


LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
STATEMENT_BUCKETS = (0, 1, 2, 4, 8, 16, 32, 64, 128)
# Statement counts below this have their bucket looked up in a list made once.
_STATEMENT_TABLE = 130


def _use_created() -> bool:
    """Whether `_created` samples are printed: prometheus_client's own switch, read as it reads
    it (once, from the environment, when first asked)."""
    return os.environ.get("PROMETHEUS_DISABLE_CREATED_SERIES", "False").lower() not in (
        "true",
        "1",
        "t",
    )


class Count:
    """One series of a counter: its value and when it was first counted."""

    __slots__ = ("created", "value")

    def __init__(self) -> None:
        self.value = 0.0
        self.created = time.time()


class Distribution:
    """One series of a histogram: a count per bucket (not cumulative: the bucket an observation
    falls in, the first bound at or above it, as prometheus_client counts it) and the sum."""

    __slots__ = ("bounds", "counts", "created", "names", "sum")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        # Each bound as the exposition writes it in `le` (0.005, 1.0, +Inf).
        self.names = [floatToGoString(bound) for bound in bounds]  # type: ignore[no-untyped-call]
        self.counts = [0.0] * len(bounds)
        self.sum = 0.0
        self.created = time.time()

    def observe(self, amount: float) -> None:
        self.counts[bisect_left(self.bounds, amount)] += 1.0
        self.sum += amount

    def cumulative(self) -> list[tuple[str, float]]:
        buckets = []
        total = 0.0
        for name, count in zip(self.names, self.counts, strict=True):
            total += count
            buckets.append((name, total))
        return buckets


def _bounds(buckets: tuple[float, ...]) -> tuple[float, ...]:
    """The upper bounds with +Inf last, as prometheus_client's Histogram completes them."""
    return (*(float(bound) for bound in buckets), float("inf"))


class Counts(Collector):
    """Every count of one app, handed to prometheus_client as metric families when collected."""

    def __init__(self) -> None:
        self.latency_bounds = _bounds(LATENCY_BUCKETS)
        self.requests: dict[tuple[str, str], Count] = {}
        self.latency: dict[str, Distribution] = {}
        self.errors: dict[str, Count] = {}
        self.statements = Distribution(_bounds(STATEMENT_BUCKETS))
        self.reads: dict[str, Count] = {}

    def request_count(self, path: str, status: int) -> Count:
        key = (path, str(status))
        count = self.requests.get(key)
        if count is None:
            count = self.requests[key] = Count()
        return count

    def latency_of(self, path: str) -> Distribution:
        series = self.latency.get(path)
        if series is None:
            series = self.latency[path] = Distribution(self.latency_bounds)
        return series

    @staticmethod
    def increment(counts: dict[str, Count], label: str) -> None:
        count = counts.get(label)
        if count is None:
            count = counts[label] = Count()
        count.value += 1.0

    def describe(self) -> Iterator[Metric]:
        return self._families(samples=False)

    def collect(self) -> Iterator[Metric]:
        return self._families(samples=True)

    def _families(self, *, samples: bool) -> Iterator[Metric]:
        created = _use_created()
        requests = CounterMetricFamily(
            "profiling_http_requests",
            "HTTP requests by path and status",
            labels=["path", "status"],
        )
        latency = HistogramMetricFamily(
            "profiling_http_request_seconds", "HTTP request latency", labels=["path"]
        )
        errors = CounterMetricFamily(
            "profiling_graphql_errors", "GraphQL errors by extensions.code", labels=["code"]
        )
        statements = HistogramMetricFamily(
            "profiling_sql_statements_per_request",
            "SQL statements run for one GraphQL request",
            labels=[],
        )
        reads = CounterMetricFamily(
            "profiling_reads_served",
            "Reads of GraphQL requests by the database that served them (primary, standbyN)",
            labels=["database"],
        )
        if samples:
            # Copies: a request may count while the families are built.
            for labels, count in list(self.requests.items()):
                _counted(requests, list(labels), count, created)
            for path, series in list(self.latency.items()):
                _distributed(latency, {"path": path}, series, created)
            for code, count in list(self.errors.items()):
                _counted(errors, [code], count, created)
            _distributed(statements, {}, self.statements, created)
            for database, count in list(self.reads.items()):
                _counted(reads, [database], count, created)
        return iter((requests, latency, errors, statements, reads))


def _counted(family: CounterMetricFamily, labels: list[str], count: Count, created: bool) -> None:
    family.add_metric(labels, count.value, created=count.created if created else None)


def _distributed(
    family: HistogramMetricFamily, labels: dict[str, str], series: Distribution, created: bool
) -> None:
    family.add_metric(list(labels.values()), series.cumulative(), series.sum)
    if created:
        # The one sample HistogramMetricFamily does not add: the old Histogram printed it last.
        family.add_sample(family.name + "_created", labels, series.created)


class Observability:
    """The metrics of one app (a registry of its own, so that apps in tests do not collide)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.registry = CollectorRegistry()
        self.counts = Counts()
        self.registry.register(self.counts)
        # Statements run by tasks of a request (DataLoader batches) see its context variable.
        # `retval=True`: the listener gives the statement and its parameters back itself, so
        # SQLAlchemy calls it as it is rather than through a wrapper of its own that does
        # (engine/events.py): a frame fewer for every statement (docs/performance.md).
        event.listen(
            engine.sync_engine, "before_cursor_execute", self._count_statement, retval=True
        )

    def watch_reads(self, router: ReadRouter) -> None:
        """Counts where the requests' reads run, and the statements run on the standbys."""
        reads = self.counts.reads
        router.on_served = lambda database: Counts.increment(reads, database)
        for standby in router.standbys:
            event.listen(
                standby.engine.sync_engine,
                "before_cursor_execute",
                self._count_statement,
                retval=True,
            )

    @staticmethod
    def _count_statement(
        _connection: Any,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> tuple[str, Any]:
        """Counts a statement into its request's measure; the statement and its parameters
        as they came (a `before_cursor_execute` listener with `retval=True`)."""
        measure = _statements.get()
        if measure is not None:
            measure[STATEMENTS] += 1
        return statement, parameters

    def count_errors(self, errors: list[dict[str, Any]] | None) -> None:
        for error in errors or ():
            code = (error.get("extensions") or {}).get("code", "UNKNOWN")
            Counts.increment(self.counts.errors, str(code))

    def wrap(self, app: ASGIApp, path: str) -> Observed:
        return Observed(self, app, path)

    async def endpoint(self, _request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

    async def metrics_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """`endpoint` as an ASGI app, to sit behind the internal-key check (server/auth.py)."""
        response = await self.endpoint(Request(scope, receive))
        await response(scope, receive, send)


class Observed:
    """An ASGI app (a class, so that Starlette routes to it as one) that measures another.

    `guarded(...)` gives the same measure with Starlette's answer to an exception taken into
    its own frame (server/server_errors.py): the fast path of POST /graphql
    (server/graphql_first.py) calls that one instead of a ServerErrorMiddleware around this one,
    one layer and one wrapper of `send` fewer a request, with the same counts and answers. Its
    common request is measured by server/plain_posts.py with this measure's `record` and guard,
    without the wrapper of `send` (the app writes the status into the request's measure)."""

    def __init__(
        self,
        observability: Observability,
        app: ASGIApp,
        path: str,
        *,
        errors: ServerErrors | None = None,
    ) -> None:
        self._observability = observability
        self._app = app
        # What is called: the app's bound `__call__` (server/direct_calls.py).
        self._call = direct(app)
        self._path = path
        # What answers a failure of the app (a guard), or None: raised to the caller.
        self.errors = errors
        counts = observability.counts
        self._counts = counts
        # The path's series, looked up once rather than on every request (its latency is
        # counted from here on, as the labelled Histogram's child was made here).
        self._latency = counts.latency_of(path)
        self._statements = counts.statements
        # The bucket of each small number of statements, found once (bisect_left's answer).
        self._statement_buckets = [
            bisect_left(counts.statements.bounds, count) for count in range(_STATEMENT_TABLE)
        ]
        # By the status answered; 0: the app raised before it answered (counted as 500).
        self._requests: dict[int, Count] = {}
        # Starts counting a request's statements into its measure (the context variable's own
        # `set`: no frame of ours).
        self.count_statements_into = _statements.set

    def guarded(self, errors: ServerErrors) -> Observed:
        """This measure (the same series) with `errors` answering what the app raises, as a
        ServerErrorMiddleware around this app would."""
        guarded = Observed(self._observability, self._app, self._path, errors=errors)
        guarded._requests = self._requests
        return guarded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._call(scope, receive, send)
            return
        measure = measured()
        # Not reset when the request ends: uvicorn runs each request in a task of its own, whose
        # context ends with it; a caller that runs several requests in one task (tests, the
        # decks built in process) sets the next request's counter over it, and a statement run
        # between two requests only counts into the last one's, which was already observed.
        _statements.set(measure)
        started = time.perf_counter()
        try:
            try:
                await self._call(scope, receive, statuses(measure, send))
            finally:
                self.record(started, measure, scope.get("method") == "POST")
        except Exception as failure:
            if self.errors is None:
                raise
            # Counted above as before: the guard sat outside the measure.
            await self.errors.fail(failure, scope, receive, send, started=measure[STATUS] != 0)

    def record(self, started: float, measure: list[int], post: bool) -> None:
        """Counts a request that started at `started` (perf_counter) and was answered with
        `measure`'s status: its latency, its status, and for a POST its statements."""
        # Distribution.observe's two updates, written out: a method call costs as much again
        # as the update (docs/performance.md).
        elapsed = time.perf_counter() - started
        latency = self._latency
        latency.counts[bisect_left(latency.bounds, elapsed)] += 1.0
        latency.sum += elapsed
        status = measure[STATUS]
        requests = self._requests.get(status)
        if requests is None:
            requests = self._requests[status] = self._counts.request_count(
                self._path, status or 500
            )
        requests.value += 1.0
        if post:
            statements = self._statements
            count = measure[STATEMENTS]
            buckets = self._statement_buckets
            statements.counts[
                buckets[count] if count < len(buckets) else bisect_left(statements.bounds, count)
            ] += 1.0
            statements.sum += count
