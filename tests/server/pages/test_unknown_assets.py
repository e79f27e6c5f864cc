"""A request for a static file that does not exist is answered 404 and leaves nothing behind:
anyone may ask for any path under /static/ (no key is needed), so a server that kept an answer
per path asked for would grow with every distinct one, without bound."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import httpx

from server.pages import assets

REQUESTS = 1000
# Each path is ~300 characters: kept, they would take well over 300 kB.
_PADDING = "x" * 280
_MOST_KEPT = 30_000  # bytes: what serving the requests may leave (counters), at most


async def _get(app: Any, path: str) -> int:
    """The status of GET `path`, straight through the ASGI app (no client of its own to keep
    anything: the figure is the server's)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    status: int = sent[0]["status"]
    return status


async def test_unknown_static_paths_are_not_kept(http: httpx.AsyncClient) -> None:
    app = http._transport.app  # type: ignore[attr-defined]
    known = next(iter(assets._files()))
    assert await _get(app, f"/static/{known}") == 200
    assert await _get(app, f"/static/missing-0-{_PADDING}") == 404  # warmed up
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(1, REQUESTS + 1):
            assert await _get(app, f"/static/missing-{n}-{_PADDING}") == 404
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < _MOST_KEPT, f"{kept} bytes kept after {REQUESTS} unknown paths"
