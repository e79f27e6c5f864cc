"""The body cap and the key check skipped as layers where they would only look (server/
screened.py): every request, whatever its Content-Length headers and key, gets from `Screened`
what the middlewares' own chain gives it (messages, the scope the app sees, the error raised),
and a plain request reaches the GraphQL app without entering either middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import Message, Receive, Scope, Send

from server.app import create_app
from server.auth import BearerKeys
from server.body_limit import BodyLimit
from server.screened import Screened
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from store.scope import Scope as ReadScope
from tests.api_client import TODAY

CAP = 100
# Content-Length values a client may send: plain, at and over the cap, and the odd ones the
# middleware's own check decides (signs, spaces, a latin-1 digit, a list, nothing).
LENGTHS = [b"2", b"0", b"100", b"101", b"0100", b"9" * 30, b" 2", b"2 ", b"+2", b"-1", b"1e3"]
LENGTHS += [b"\xb2", b"2, 2", b"", b"\xd9\xa1"]


class Recorder:
    """The app behind the middlewares: answers {} and keeps the state it was given."""

    def __init__(self) -> None:
        self.states: list[dict[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body", False):
            pass
        self.states.append(dict(scope.get("state", {})))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def _answer(app: Any, headers: list[tuple[bytes, bytes]]) -> tuple[object, list[Message]]:
    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": headers}
    sent: list[Message] = []
    chunks = [b"{", b"}"]

    async def receive() -> Message:
        body = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": body, "more_body": bool(chunks)}

    async def send(message: Message) -> None:
        sent.append(message)

    try:
        await app(scope, receive, send)
    except Exception as error:  # the chain's own failure must be the screened one's
        return type(error).__name__, sent
    return None, sent


@pytest.fixture
async def key(engine: AsyncEngine) -> str:
    _, made = await create_key(engine, role=Role.PUBLIC)
    return made


@given(
    lengths=st.lists(st.sampled_from(LENGTHS), max_size=3),
    authorization=st.sampled_from([None, b"", b"Bearer nope", b"Bearer KEY", b"Basic x"]),
    require_keys=st.booleans(),
    keyless_role=st.sampled_from([Role.INTERNAL, Role.PUBLIC]),
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_a_screened_request_is_answered_as_the_chain_answers_it(
    engine: AsyncEngine,
    key: str,
    lengths: list[bytes],
    authorization: bytes | None,
    require_keys: bool,
    keyless_role: Role,
) -> None:
    headers = [(b"content-length", length) for length in lengths]
    if authorization is not None:
        headers.append((b"authorization", authorization.replace(b"KEY", key.encode())))
    answers = []
    for screened in (False, True):
        app = Recorder()
        keys = BearerKeys(
            app,
            engine=engine,
            require_keys=require_keys,
            keyless_scope=ReadScope(keyless_role),
            roles={Role.INTERNAL, Role.PUBLIC} if keyless_role is Role.PUBLIC else None,
        )
        limit = BodyLimit(keys, max_bytes=CAP)
        front = Screened([limit, keys], app) if screened else limit
        answers.append((await _answer(front, list(headers)), app.states))
    assert answers[0] == answers[1]


@pytest.fixture
async def client(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine, require_keys=False
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def test_a_plain_request_enters_neither_middleware(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered: list[str] = []
    for middleware in (BodyLimit, BearerKeys):
        call = middleware.__call__

        async def counted(self: Any, *args: Any, _call: Any = call) -> None:
            entered.append(type(self).__name__)
            await _call(self, *args)

        monkeypatch.setattr(middleware, "__call__", counted)
    answer = await client.post("/graphql", json={"query": "{ __typename }"})
    assert (answer.status_code, answer.json()) == (200, {"data": {"__typename": "Query"}})
    assert entered == []
    # A key sent with the plain request is checked in the POSTs' frame (server/plain_posts.py).
    await client.post("/graphql", json={"query": "{ __typename }"}, headers={"authorization": "x"})
    assert entered == []
    # A key to check, a Content-Type the frame leaves to the whole way: the key check takes it.
    await client.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"authorization": "x", "content-type": "application/json; charset=utf-8"},
    )
    assert entered == ["BearerKeys"]
