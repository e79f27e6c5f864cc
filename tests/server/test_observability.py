"""/metrics prints, byte for byte, what prometheus_client's own Counter and Histogram printed
for the same requests: `server.observability` keeps the counts itself and hands them over
through a collector (docs/performance.md), and `_Reference` below is the code it replaced
(main 67b7e89), fed the same requests, latencies, statement counts, errors and reads, at the
same times."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import metrics as prometheus_metrics
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.observability import (
    LATENCY_BUCKETS,
    STATEMENT_BUCKETS,
    STATEMENTS,
    Observability,
    _statements,
    measured,
)

_reference_statements: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "reference_sql_statements", default=None
)


class _Reference:
    """The old Observability's metrics and its `_Observed`, without the engine's listener."""

    def __init__(self) -> None:
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
            buckets=LATENCY_BUCKETS,
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
            buckets=STATEMENT_BUCKETS,
            registry=self.registry,
        )
        self.reads = Counter(
            "profiling_reads_served",
            "Reads of GraphQL requests by the database that served them (primary, standbyN)",
            ["database"],
            registry=self.registry,
        )

    @staticmethod
    def count_statement(*_: Any) -> None:
        counter = _reference_statements.get()
        if counter is not None:
            counter[0] += 1

    def count_errors(self, errors: list[dict[str, Any]] | None) -> None:
        for error in errors or ():
            code = (error.get("extensions") or {}).get("code", "UNKNOWN")
            self.errors.labels(code=str(code)).inc()

    def served(self, database: str) -> None:
        self.reads.labels(database=database).inc()

    def wrap(self, app: ASGIApp, path: str) -> ASGIApp:
        latency = self.latency.labels(path=path)
        requests: dict[int, Any] = {}

        async def observed(scope: Scope, receive: Receive, send: Send) -> None:
            status = 500
            counter = [0]
            token = _reference_statements.set(counter)
            started = time.perf_counter()

            async def send_status(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await app(scope, receive, send_status)
            finally:
                _reference_statements.reset(token)
                latency.observe(time.perf_counter() - started)
                counted = requests.get(status)
                if counted is None:
                    counted = self.requests.labels(path=path, status=str(status))
                    requests[status] = counted
                counted.inc()
                if scope.get("method") == "POST":
                    self.sql.observe(counter[0])

        return observed


@dataclass(frozen=True)
class _Request:
    path: int
    method: str
    status: int | None  # None: the app raises before it answers
    seconds: float
    statements: int


@dataclass(frozen=True)
class _Errors:
    errors: list[dict[str, Any]] | None


@dataclass(frozen=True)
class _Served:
    database: str


@dataclass(frozen=True)
class _Read:
    """/metrics read at this point: both expositions compared."""


# Latencies on and around the buckets' bounds, and any other.
_seconds = st.one_of(
    st.sampled_from([0.0, *LATENCY_BUCKETS, 0.0049999, 0.0050001, 10.000001, 1e-9, 1e6]),
    st.floats(min_value=0, max_value=1e4, allow_nan=False),
)
_codes = st.sampled_from(["NOT_FOUND", "BAD_REQUEST", "BAD_USER_INPUT", "INTERNAL", 'a "q"\n'])
_error = st.one_of(
    st.builds(lambda code: {"extensions": {"code": code}}, _codes),
    st.just({"extensions": None}),
    st.just({"message": "no extensions"}),
    st.just({"extensions": {"other": 1}}),
    st.builds(lambda number: {"extensions": {"code": number}}, st.integers(0, 3)),
)
_events = st.lists(
    st.one_of(
        st.builds(
            _Request,
            path=st.integers(0, 1),
            method=st.sampled_from(["POST", "GET", "OPTIONS"]),
            status=st.one_of(st.none(), st.sampled_from([200, 400, 401, 404, 413, 429, 500])),
            seconds=_seconds,
            statements=st.one_of(st.sampled_from(STATEMENT_BUCKETS), st.integers(0, 300)),
        ),
        st.builds(_Errors, st.one_of(st.none(), st.lists(_error, max_size=3))),
        st.builds(_Served, st.sampled_from(["primary", "standby1", "standby2"])),
        st.just(_Read()),
    ),
    max_size=40,
)


class _Failed(Exception):
    pass


def _app(request: _Request, count_statement: Any) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        for _ in range(request.statements):
            count_statement(None, None, "SELECT 1", (), None, False)
        if request.status is None:
            raise _Failed
        await send({"type": "http.response.start", "status": request.status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


class _Clocks:
    """time.time and time.perf_counter as the test sets them: each event happens at one time,
    and a request's latency is the one it asks for."""

    def __init__(self) -> None:
        self.now = 1764990000.0
        self.counters: Iterator[float] = iter(())

    def time(self) -> float:
        return self.now

    def perf_counter(self) -> float:
        return next(self.counters)


async def _ask(app: ASGIApp, request: _Request, clocks: _Clocks) -> None:
    clocks.counters = iter((1000.0, 1000.0 + request.seconds))

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: Message) -> None:
        pass

    scope = {"type": "http", "method": request.method, "path": "/"}
    with contextlib.suppress(_Failed):
        await app(scope, receive, send)


async def _run(events: list[Any], clocks: _Clocks) -> list[tuple[bytes, bytes]]:
    """The expositions of the reference and of ours at each read and at the end."""
    reference = _Reference()
    ours = Observability(create_async_engine("sqlite+aiosqlite://"))
    paths = ["/graphql", "/graphql/"]
    observed = [(reference.wrap(_Dispatch(), path), ours.wrap(_Dispatch(), path)) for path in paths]
    # The read router's hook (server/app.py with standbys), with no standby to listen to.
    router = SimpleNamespace(on_served=None, standbys=[])
    ours.watch_reads(router)  # type: ignore[arg-type]
    readings = []
    for number, event in enumerate(events):
        clocks.now += 1.5 + number / 7
        if isinstance(event, _Request):
            theirs, mine = observed[event.path]
            _Dispatch.app = _app(event, reference.count_statement)
            await _ask(theirs, event, clocks)
            _Dispatch.app = _app(event, Observability._count_statement)
            await _ask(mine, event, clocks)
        elif isinstance(event, _Errors):
            reference.count_errors(event.errors)
            ours.count_errors(event.errors)
        elif isinstance(event, _Served):
            reference.served(event.database)
            router.on_served(event.database)
        else:
            readings.append((generate_latest(reference.registry), generate_latest(ours.registry)))
    readings.append((generate_latest(reference.registry), generate_latest(ours.registry)))
    return readings


class _Dispatch:
    """The app of the request being asked (each wrap keeps its app: this one passes through)."""

    app: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _Dispatch.app(scope, receive, send)


def _expositions(
    events: list[Any], monkeypatch: pytest.MonkeyPatch, created: bool
) -> list[tuple[bytes, bytes]]:
    clocks = _Clocks()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", clocks.time)
        patch.setattr(time, "perf_counter", clocks.perf_counter)
        if not created:
            patch.setenv("PROMETHEUS_DISABLE_CREATED_SERIES", "true")
            patch.setattr(prometheus_metrics, "_use_created", False)
        return asyncio.run(_run(events, clocks))


@settings(max_examples=150)
@given(events=_events)
def test_the_exposition_is_the_old_metrics_byte_for_byte(events: list[Any]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        for theirs, mine in _expositions(events, monkeypatch, created=True):
            assert mine == theirs


@settings(max_examples=30)
@given(events=_events)
def test_without_created_series_as_the_client_prints_them(events: list[Any]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        for theirs, mine in _expositions(events, monkeypatch, created=False):
            assert b"_created" not in mine
            assert mine == theirs


def test_a_few_requests_print_every_kind_of_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hand-written case the property's examples must cover: every family with samples."""
    events = [
        _Request(path=0, method="POST", status=200, seconds=0.003, statements=2),
        _Request(path=1, method="GET", status=None, seconds=12.0, statements=0),
        _Errors([{"extensions": {"code": "NOT_FOUND"}}, {}]),
        _Served("standby1"),
    ]
    ((theirs, mine),) = _expositions(events, monkeypatch, created=True)
    assert mine == theirs
    text = mine.decode()
    assert 'profiling_http_requests_total{path="/graphql",status="200"} 1.0' in text
    assert 'profiling_http_requests_total{path="/graphql/",status="500"} 1.0' in text
    assert 'profiling_http_request_seconds_bucket{le="0.005",path="/graphql"} 1.0' in text
    assert 'profiling_graphql_errors_total{code="UNKNOWN"} 1.0' in text
    assert "profiling_sql_statements_per_request_sum 2.0" in text
    assert 'profiling_reads_served_total{database="standby1"} 1.0' in text
    assert "profiling_http_requests_created" in text


async def test_statements_through_sqlalchemy_run_as_given_and_count(engine: AsyncEngine) -> None:
    """The listener gives SQLAlchemy the statement and parameters back (`retval=True`): a
    statement run through SQLAlchemy's own execution runs with them unchanged, and counts."""
    Observability(engine)
    measure = measured()
    token = _statements.set(measure)
    try:
        async with engine.connect() as connection:
            total = await connection.scalar(text("SELECT :a + :b").bindparams(a=40, b=2))
            word = await connection.scalar(text("SELECT :word").bindparams(word="kept"))
    finally:
        _statements.reset(token)
    assert (total, word) == (42, "kept")
    assert measure[STATEMENTS] == 2
