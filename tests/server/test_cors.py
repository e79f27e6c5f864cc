"""Cross-origin requests: none allowed by default (a browser keeps other origins' pages from
the API), and the origins of PROFILING_CORS_ORIGINS answered as a browser needs: a preflight
that allows the key's header and is kept for a while, answers readable by the page, a 429's
Retry-After readable too. An origin not listed gets nothing a browser would accept."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from server.cors import PREFLIGHT_MAX_AGE
from settings import SettingsError, load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY

FRONTEND = "https://dashboard.example.com"
OTHER = "https://elsewhere.example.com"
QUERY = {"query": "{ __typename }"}

Serve = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def serve(engine: AsyncEngine) -> Serve:
    @asynccontextmanager
    async def serving(**environ: str) -> AsyncIterator[httpx.AsyncClient]:
        settings = load_settings({"PROFILING_TODAY": TODAY, **environ})
        app = create_app(settings=settings, engine=engine)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as http:
            yield http

    return serving


@pytest.fixture
async def key(engine: AsyncEngine) -> str:
    _, secret = await create_key(engine, role=Role.INTERNAL)
    return secret


def _preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }


async def test_by_default_no_origin_is_allowed(serve: Serve, key: str) -> None:
    async with serve() as http:
        preflight = await http.options("/graphql", headers=_preflight(FRONTEND))
        answer = await http.post(
            "/graphql", json=QUERY, headers={"Origin": FRONTEND, "Authorization": f"Bearer {key}"}
        )
    assert preflight.status_code == 405
    assert answer.status_code == 200
    for response in (preflight, answer):
        assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("fast_posts", ["true", "false"])
async def test_a_listed_origin_may_send_the_key_and_read_the_answer(
    serve: Serve, key: str, fast_posts: str
) -> None:
    async with serve(
        PROFILING_CORS_ORIGINS=f"{OTHER.upper()}:443/, {FRONTEND}",
        PROFILING_FAST_POSTS=fast_posts,
    ) as http:
        preflight = await http.options("/graphql", headers=_preflight(FRONTEND))
        answer = await http.post(
            "/graphql", json=QUERY, headers={"Origin": FRONTEND, "Authorization": f"Bearer {key}"}
        )
        unknown_key = await http.post(
            "/graphql", json=QUERY, headers={"Origin": OTHER, "Authorization": "Bearer nope"}
        )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == FRONTEND
    allowed_headers = preflight.headers["access-control-allow-headers"].lower().split(", ")
    assert {"authorization", "content-type"} <= set(allowed_headers)
    assert "POST" in preflight.headers["access-control-allow-methods"].split(", ")
    assert preflight.headers["access-control-max-age"] == str(PREFLIGHT_MAX_AGE)
    assert "access-control-allow-credentials" not in preflight.headers

    assert answer.status_code == 200
    assert answer.json() == {"data": {"__typename": "Query"}}
    assert answer.headers["access-control-allow-origin"] == FRONTEND
    assert answer.headers["access-control-expose-headers"] == "Retry-After"
    assert "Origin" in answer.headers["vary"]
    # The page can read why it was refused.
    assert unknown_key.status_code == 401
    assert unknown_key.headers["access-control-allow-origin"] == OTHER


async def test_an_origin_not_listed_gets_nothing_a_browser_accepts(serve: Serve, key: str) -> None:
    async with serve(PROFILING_CORS_ORIGINS=FRONTEND) as http:
        preflight = await http.options("/graphql", headers=_preflight(OTHER))
        other_header = await http.options(
            "/graphql",
            headers={**_preflight(FRONTEND), "Access-Control-Request-Headers": "x-secret"},
        )
        answer = await http.post(
            "/graphql", json=QUERY, headers={"Origin": OTHER, "Authorization": f"Bearer {key}"}
        )
        # A port is part of the origin.
        other_port = await http.options("/graphql", headers=_preflight(f"{FRONTEND}:8443"))
    assert preflight.status_code == other_header.status_code == other_port.status_code == 400
    for response in (preflight, other_port, answer):
        assert "access-control-allow-origin" not in response.headers
    assert answer.status_code == 200


async def test_every_origin_when_the_setting_is_a_star(serve: Serve) -> None:
    async with serve(PROFILING_CORS_ORIGINS="*") as http:
        preflight = await http.options("/graphql", headers=_preflight(OTHER))
        health = await http.get("/healthz", headers={"Origin": OTHER})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert health.headers["access-control-allow-origin"] == "*"


def test_no_key_and_every_origin_are_refused_together(engine: AsyncEngine) -> None:
    keyless = {"PROFILING_TODAY": TODAY, "PROFILING_SERVE_NO_AUTH": "1"}
    with pytest.raises(SettingsError, match="refused with --no-auth"):
        load_settings({**keyless, "PROFILING_CORS_ORIGINS": "*"})
    with pytest.raises(ValueError, match="refused with --no-auth"):
        create_app(
            settings=load_settings({"PROFILING_TODAY": TODAY, "PROFILING_CORS_ORIGINS": "*"}),
            engine=engine,
            require_keys=False,
        )
    # The user's own pages, named one by one, stay allowed.
    assert load_settings({**keyless, "PROFILING_CORS_ORIGINS": FRONTEND}).cors_origins == (
        FRONTEND,
    )
