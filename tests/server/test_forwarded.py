"""Proxy headers read by the app (server/forwarded.py), which `profiling serve` runs without
uvicorn's own middleware: every request gets what uvicorn's ProxyHeadersMiddleware in front of
the app gave it (the same answer, the same scheme and client in its scope), but a POST of
/graphql on the fast path when the access log is off, which gets the same answer with its
scope's client and scheme left as the connection's (nothing reads them then)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from server.app import create_app
from server.forwarded import forwarded_allow_ips
from settings import load_settings
from tests.api_client import TODAY

_BODY = b'{"query": "{ __typename }"}'

_requests = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["POST", "GET", "OPTIONS"]),
        "path": st.sampled_from(["/graphql", "/graphql/", "/healthz", "/nowhere"]),
        "client": st.sampled_from(["127.0.0.1", "10.1.2.3"]),
        "proto": st.sampled_from([None, b"https", b"http", b"wss", b"gopher"]),
        "forwarded_for": st.sampled_from([None, b"203.0.113.9", b"203.0.113.9:4000, 127.0.0.1"]),
    }
)


def _scope(request: dict[str, Any]) -> dict[str, Any]:
    headers = [(b"host", b"api.example.com"), (b"content-type", b"application/json")]
    headers.append((b"content-length", str(len(_BODY)).encode()))
    if request["proto"] is not None:
        headers.append((b"x-forwarded-proto", request["proto"]))
    if request["forwarded_for"] is not None:
        headers.append((b"x-forwarded-for", request["forwarded_for"]))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request["method"],
        "scheme": "http",
        "path": request["path"],
        "raw_path": request["path"].encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": (request["client"], 40000),
        "server": ("127.0.0.1", 8000),
    }


async def _ask(app: Any, request: dict[str, Any]) -> tuple[list[Any], Any, Any]:
    scope = _scope(request)
    sent: list[Any] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": _BODY, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent, scope["scheme"], scope["client"]


def _app(engine: AsyncEngine, sample: str, allow_ips: str | None) -> Any:
    environment = {"PROFILING_TODAY": TODAY, "PROFILING_ACCESS_LOG_SAMPLE": sample}
    return create_app(
        settings=load_settings(environment),
        engine=engine,
        require_keys=False,
        forwarded_allow_ips=allow_ips,
    )


def _comparable(sent: list[Any]) -> list[Any]:
    # /healthz's answer is the database's state: compare its status only.
    return [{key: value for key, value in message.items() if key != "body"} for message in sent]


@given(request=_requests, sample=st.sampled_from(["0", "0.5", "1"]))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_requests_get_what_uvicorns_middleware_gave_them(
    engine: AsyncEngine, request: dict[str, Any], sample: str
) -> None:
    theirs = await _ask(ProxyHeadersMiddleware(_app(engine, sample, None)), request)
    mine = await _ask(_app(engine, sample, "127.0.0.1"), request)
    assert _comparable(mine[0]) == _comparable(theirs[0])
    if request["path"] != "/healthz":
        assert mine[0] == theirs[0]
    skipped = sample == "0" and request["method"] == "POST" and request["path"] == "/graphql"
    if skipped:
        assert mine[1:] == ("http", (request["client"], 40000))
    else:
        assert mine[1:] == theirs[1:]


async def test_a_redirect_behind_a_local_proxy_keeps_its_scheme(engine: AsyncEngine) -> None:
    request = {
        "method": "GET",
        "path": "/graphql/",
        "client": "127.0.0.1",
        "proto": b"https",
        "forwarded_for": b"203.0.113.9",
    }
    sent, scheme, client = await _ask(_app(engine, "0", "127.0.0.1"), request)
    assert sent[0]["status"] == 307
    assert (b"location", b"https://api.example.com/graphql") in sent[0]["headers"]
    assert (scheme, client) == ("https", ("203.0.113.9", 0))


async def test_the_fast_post_reads_them_when_the_access_log_is_on(engine: AsyncEngine) -> None:
    request = {
        "method": "POST",
        "path": "/graphql",
        "client": "127.0.0.1",
        "proto": b"https",
        "forwarded_for": b"203.0.113.9",
    }
    for sample, expected in (
        ("1", ("https", ("203.0.113.9", 0))),
        ("0", ("http", ("127.0.0.1", 40000))),
    ):
        sent, *seen = await _ask(_app(engine, sample, "127.0.0.1"), request)
        assert sent[0]["status"] == 200
        assert tuple(seen) == expected


def test_the_trusted_addresses_are_uvicorns_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert forwarded_allow_ips() == "127.0.0.1"
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8,127.0.0.1")
    assert forwarded_allow_ips() == "10.0.0.0/8,127.0.0.1"
