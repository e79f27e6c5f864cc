"""The request body cap: a body over PROFILING_MAX_BODY_BYTES is answered 413 before it is read
into memory, whether it declares its length or arrives in chunks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY

CHUNK = 64 * 1024
# 3 MB of `{ __typename __typename ... }`: once parsed whole on the event loop.
HUGE = orjson.dumps({"query": "{ " + "__typename " * 280_000 + "}"})


class Body:
    """A request body sent in chunks, counting the chunks the server asked for."""

    def __init__(self, data: bytes, size: int = CHUNK) -> None:
        self.data = data
        self.size = size
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.size):
            self.pulled += 1
            yield self.data[start : start + self.size]


@pytest.fixture
async def public_key(engine: AsyncEngine) -> str:
    _, key = await create_key(engine, role=Role.PUBLIC, name="pulse page")
    return key


@pytest.fixture
async def served(engine: AsyncEngine) -> AsyncIterator[Callable[..., Any]]:
    clients: list[httpx.AsyncClient] = []

    async def start(**environment: str) -> httpx.AsyncClient:
        settings = load_settings({"PROFILING_TODAY": TODAY, **environment})
        app = create_app(settings=settings, engine=engine)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.aclose()


def _headers(key: str, length: int | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if length is not None:
        headers["Content-Length"] = str(length)
    return headers


def _assert_too_large(response: httpx.Response, cap: int) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["connection"] == "close"
    assert response.json() == {
        "errors": [
            {
                "message": f"Request body too large: send at most {cap:,} bytes",
                "extensions": {"code": "PAYLOAD_TOO_LARGE"},
            }
        ]
    }


async def test_a_huge_body_is_refused_unread_while_a_small_request_is_answered(
    served: Callable[..., Any], public_key: str
) -> None:
    http = await served()
    huge = Body(HUGE)
    refused, answered = await asyncio.gather(
        http.post("/graphql", content=huge, headers=_headers(public_key, len(HUGE))),
        http.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {public_key}"},
        ),
    )
    _assert_too_large(refused, 256 * 1024)
    assert huge.pulled == 0  # its Content-Length said enough: not a byte of it was read
    assert answered.status_code == 200
    assert answered.json() == {"data": {"__typename": "Query"}}


async def test_a_chunked_body_is_cut_at_the_cap(
    served: Callable[..., Any], public_key: str
) -> None:
    http = await served()
    huge = Body(HUGE)  # no Content-Length: sent in chunks
    refused = await http.post("/graphql", content=huge, headers=_headers(public_key))
    _assert_too_large(refused, 256 * 1024)
    # The first chunk past 256 KiB stops the reading: 5 of the 46 chunks were asked for.
    assert huge.pulled == 256 * 1024 // CHUNK + 1


@pytest.mark.parametrize("declared", [True, False])
async def test_a_body_of_exactly_the_cap_is_served_and_one_byte_more_is_not(
    served: Callable[..., Any], public_key: str, declared: bool
) -> None:
    http = await served(PROFILING_MAX_BODY_BYTES="2048")
    query = b'{"query": "{ __typename }"}'
    at_cap = query + b" " * (2048 - len(query))
    for body, status in ((at_cap, 200), (at_cap + b" ", 413)):
        sent = Body(body, size=500)
        response = await http.post(
            "/graphql",
            content=sent,
            headers=_headers(public_key, len(body) if declared else None),
        )
        assert response.status_code == status, response.text
        if status == 200:
            assert response.json() == {"data": {"__typename": "Query"}}
        else:
            _assert_too_large(response, 2048)


@pytest.mark.parametrize("length", ["many", "-1", "1, 2"])
async def test_a_malformed_content_length_is_a_bad_request(
    served: Callable[..., Any], public_key: str, length: str
) -> None:
    http = await served()
    response = await http.post(
        "/graphql",
        content=Body(b'{"query": "{ __typename }"}'),
        headers={**_headers(public_key), "Content-Length": length},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
