"""The metrics' wrapper with Starlette's answer to an exception in its own frame
(`Observed.guarded`, server/server_errors.py) answers, raises and counts exactly as a
ServerErrorMiddleware around the plain wrapper (the chain the fast path of POST /graphql had):
whatever the app does (answers, raises before or after its answer starts), whatever the 500
handler (Starlette's own, an async or a plain function, debug's traceback page)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import generate_latest
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.observability import Observability
from server.server_errors import ServerErrors


class _Broken(Exception):
    pass


@dataclass(frozen=True)
class _Case:
    status: int
    fails: str  # "no": answers; "before": raises before answering; "after": after its start
    statements: int
    method: str


_cases = st.builds(
    _Case,
    status=st.sampled_from([200, 400, 404, 413, 429, 500]),
    fails=st.sampled_from(["no", "before", "after"]),
    statements=st.integers(0, 200),
    method=st.sampled_from(["POST", "GET"]),
)


def _app(case: _Case) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        for _ in range(case.statements):
            Observability._count_statement(None, None, "SELECT 1", (), None, False)
        if case.fails == "before":
            raise _Broken("before")
        await send({"type": "http.response.start", "status": case.status, "headers": []})
        if case.fails == "after":
            raise _Broken("after")
        await send({"type": "http.response.body", "body": b"{}"})

    return app


async def _async_handler(request: Request, exc: Exception) -> Response:
    return JSONResponse({"failed": str(exc), "path": request.url.path}, status_code=500)


def _plain_handler(_request: Request, exc: Exception) -> Response:
    return JSONResponse({"plain": str(exc)}, status_code=503)


_HANDLERS: dict[str, Callable[..., Any] | None] = {
    "starlette": None,
    "async": _async_handler,
    "plain": _plain_handler,
}


class _Dispatch:
    app: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _Dispatch.app(scope, receive, send)


async def _ask(app: ASGIApp, case: _Case) -> tuple[list[Message], str | None]:
    scope = {
        "type": "http",
        "method": case.method,
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "scheme": "http",
        "server": ("testserver", 80),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    try:
        await app(scope, receive, send)
    except _Broken as exc:
        return sent, str(exc)
    return sent, None


def _comparable(sent: list[Message], debug: bool) -> list[Message]:
    if not debug:
        return sent
    # The traceback page names the frames it went through: compare the status and type only.
    return [{"type": message["type"], "status": message.get("status")} for message in sent]


async def _run(cases: list[_Case], handler: str, debug: bool) -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    chained, fused = Observability(engine), Observability(engine)
    chain = ServerErrorMiddleware(
        chained.wrap(_Dispatch(), "/graphql"), handler=_HANDLERS[handler], debug=debug
    )
    guarded = fused.wrap(_Dispatch(), "/graphql").guarded(
        ServerErrors(handler=_HANDLERS[handler], debug=debug)
    )
    for case in cases:
        _Dispatch.app = _app(case)
        theirs = await _ask(chain, case)
        mine = await _ask(guarded, case)
        assert _comparable(mine[0], debug) == _comparable(theirs[0], debug)
        assert mine[1] == theirs[1]
    assert generate_latest(fused.registry) == generate_latest(chained.registry)
    await engine.dispose()


@settings(max_examples=60, deadline=None)
@given(
    cases=st.lists(_cases, min_size=1, max_size=12),
    handler=st.sampled_from(sorted(_HANDLERS)),
    debug=st.booleans(),
)
def test_guarded_answers_raises_and_counts_as_the_middleware_around_it(
    cases: list[_Case], handler: str, debug: bool
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        # The same latencies and `_created` times on both sides.
        patch.setattr(time, "time", lambda: 1764990000.0)
        patch.setattr(time, "perf_counter", lambda: 1000.0)
        asyncio.run(_run(cases, handler, debug))


def test_a_failure_before_the_answer_is_a_500_counted_once() -> None:
    async def run() -> tuple[list[Message], str | None, bytes]:
        observability = Observability(create_async_engine("sqlite+aiosqlite://"))
        _Dispatch.app = _app(_Case(200, "before", 3, "POST"))
        guarded = observability.wrap(_Dispatch(), "/graphql").guarded(ServerErrors())
        sent, raised = await _ask(guarded, _Case(200, "before", 3, "POST"))
        return sent, raised, generate_latest(observability.registry)

    sent, raised, exposition = asyncio.run(run())
    assert raised == "before"
    assert sent[0]["status"] == 500
    assert sent[1]["body"] == b"Internal Server Error"
    text = exposition.decode()
    assert 'profiling_http_requests_total{path="/graphql",status="500"} 1.0' in text
    assert "profiling_sql_statements_per_request_sum 3.0" in text


def test_the_fast_path_has_no_error_layer_of_its_own_without_cors() -> None:
    """The app's shortcut calls the guarded measure through the plain POSTs' frame, whose
    whole way it is, with keys required or not; with CORS it keeps Starlette's layers (a 500
    stays outside CORS)."""
    from server.app import create_app
    from server.observability import Observed
    from server.plain_posts import PlainPosts
    from settings import load_settings

    for require_keys in (True, False):
        app = create_app(
            settings=load_settings({"DATABASE_URL": "sqlite+aiosqlite://"}),
            require_keys=require_keys,
        )
        frame = app._first[1].__self__  # type: ignore[attr-defined]
        assert isinstance(frame, PlainPosts)
        assert isinstance(frame._whole_way.__self__, Observed)  # type: ignore[attr-defined]
        assert frame._whole_way.__self__.errors is not None  # type: ignore[attr-defined]
    cors = create_app(
        settings=load_settings(
            {
                "DATABASE_URL": "sqlite+aiosqlite://",
                "PROFILING_CORS_ORIGINS": "https://app.example.com",
            }
        )
    )
    assert isinstance(cors._first[1].__self__, ServerErrorMiddleware)  # type: ignore[attr-defined]
