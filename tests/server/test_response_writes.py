"""A response's head and body leave in one write, and the bytes on the wire are uvicorn's own.

Served by a real uvicorn on loopback (uvloop and asyncio's own loop), through the protocol
`profiling serve` gives uvicorn and through uvicorn's stock httptools protocol: the bytes each
client receives must be identical (plain answers, streamed chunks, HEAD, `Connection: close`,
`Expect: 100-continue`, several requests on one connection), and a plain answer must take one
write on the connection's transport where the stock protocol takes two."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import pytest
import uvicorn
import uvloop
from hypothesis import given, settings
from hypothesis import strategies as st
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from server.response_writes import HeldWrites, OneWriteHttpToolsProtocol
from server.served_app import http_parser

Scope = dict[str, Any]

BODY = b'{"data":{"account":{"metrics":[]}}}'


async def app(scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    assert scope["type"] == "http"
    received = b""
    while True:
        message = await receive()
        received += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"] == "/stream":
        start = {"type": "http.response.start", "status": 200, "headers": []}
        await send(start)
        for chunk in (b"one", b"two", b""):
            await asyncio.sleep(0.01)
            await send({"type": "http.response.body", "body": chunk, "more_body": bool(chunk)})
        return
    body = BODY + received
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if scope["path"] == "/close":
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


REQUESTS = [
    b"POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}",
    b"HEAD /small HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /stream HTTP/1.1\r\nHost: t\r\n\r\n",
    b"POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
    b"GET /close HTTP/1.1\r\nHost: t\r\n\r\n",
]


CONTINUE_HEAD = (
    b"POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"
)


class CountedWrites(OneWriteHttpToolsProtocol):
    """Counts the writes that reach the connection's real transport."""

    writes = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(_counting(transport))


class CountedStockWrites(HttpToolsProtocol):
    writes = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(_counting(transport, CountedStockWrites))


def _counting(transport: Any, counter: type[Any] = CountedWrites) -> HeldWrites:
    class Counting(HeldWrites):
        def write(self, data: Any) -> None:
            counter.writes += 1
            self._transport.write(data)

        def writelines(self, list_of_data: Any) -> None:
            counter.writes += 1
            self._transport.writelines(list_of_data)

    return Counting(transport, asyncio.get_running_loop())


def _exchange(port: int, requests: list[bytes], expect_continue: bool = False) -> bytes:
    """Send each request once the previous answer has come whole (the last closes)."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        if expect_continue:
            client.sendall(CONTINUE_HEAD)
            received += client.recv(65536)
            client.sendall(b"{}")
        for request in requests:
            client.sendall(request)
            if request is not requests[-1]:
                received += client.recv(65536)
        while chunk := client.recv(65536):
            received += chunk
    return received


async def _serve(protocol: Any, requests: list[bytes], **options: Any) -> bytes:
    config = uvicorn.Config(
        app, http=protocol, log_level="warning", date_header=False, server_header=False,
        lifespan="off",
    )  # fmt: skip
    server = uvicorn.Server(config)
    listening = socket.create_server(("127.0.0.1", 0))  # a free port, chosen by the kernel
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event for it)
        await asyncio.sleep(0.01)
    try:
        port = listening.getsockname()[1]
        return await asyncio.to_thread(_exchange, port, requests, **options)
    finally:
        server.should_exit = True
        await serving


LOOPS = {"uvloop": uvloop.new_event_loop, "asyncio": asyncio.new_event_loop}


def _run(loop: str, protocol: Any, requests: list[bytes], **options: Any) -> bytes:
    with asyncio.Runner(loop_factory=LOOPS[loop]) as runner:
        return runner.run(_serve(protocol, requests, **options))


@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_the_bytes_on_the_wire_are_uvicorns(loop: str) -> None:
    ours = _run(loop, OneWriteHttpToolsProtocol, REQUESTS)
    stock = _run(loop, "httptools", REQUESTS)
    assert ours == stock
    assert ours.count(b"HTTP/1.1 200 OK") == len(REQUESTS)
    assert b"3\r\none\r\n3\r\ntwo\r\n0\r\n\r\n" in ours


@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_a_continue_is_answered_before_the_body_is_sent(loop: str) -> None:
    requests = [REQUESTS[-1]]
    ours = _run(loop, OneWriteHttpToolsProtocol, requests, expect_continue=True)
    stock = _run(loop, "httptools", requests, expect_continue=True)
    assert ours == stock
    assert ours.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")


@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_a_plain_answer_is_one_write(loop: str) -> None:
    requests = [REQUESTS[0]] * 3 + [REQUESTS[-1]]
    CountedWrites.writes = CountedStockWrites.writes = 0
    _run(loop, CountedWrites, requests)
    _run(loop, CountedStockWrites, requests)
    assert (CountedWrites.writes, CountedStockWrites.writes) == (4, 8)


def test_serve_uses_the_one_write_protocol() -> None:
    assert http_parser() is OneWriteHttpToolsProtocol


class Recorded:
    """A transport that records what reaches it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bytes]] = []

    def write(self, data: bytes) -> None:
        self.calls.append(("write", bytes(data)))

    def writelines(self, list_of_data: Any) -> None:
        self.calls.append(("writelines", b"".join(list_of_data)))

    def close(self) -> None:
        self.calls.append(("close", b""))

    def abort(self) -> None:
        self.calls.append(("abort", b""))

    def get_write_buffer_size(self) -> int:
        return 0


def _held(loop: asyncio.AbstractEventLoop) -> tuple[HeldWrites, Recorded]:
    recorded = Recorded()
    return HeldWrites(recorded, loop), recorded  # type: ignore[arg-type]


async def test_a_write_alone_leaves_on_the_loops_next_pass() -> None:
    held, recorded = _held(asyncio.get_running_loop())
    held.write(b"head")
    assert recorded.calls == []
    assert held.get_write_buffer_size() == 4
    await asyncio.sleep(0)
    assert recorded.calls == [("write", b"head")]


async def test_closing_sends_what_is_held_first_and_aborting_drops_it() -> None:
    held, recorded = _held(asyncio.get_running_loop())
    held.write(b"head")
    held.close()
    assert recorded.calls == [("write", b"head"), ("close", b"")]
    held, recorded = _held(asyncio.get_running_loop())
    held.write(b"head")
    held.abort()
    await asyncio.sleep(0)
    assert recorded.calls == [("abort", b"")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.binary(min_size=1, max_size=8), st.none()), max_size=20))
def test_the_bytes_and_their_order_are_kept(steps: list[bytes | None]) -> None:
    """Writes with the loop's passes between some of them (None): what reaches the transport
    is every byte in order, and never more calls than writes."""

    async def run() -> Recorded:
        held, recorded = _held(asyncio.get_running_loop())
        for step in steps:
            if step is None:
                await asyncio.sleep(0)
            else:
                held.write(step)
        await asyncio.sleep(0)
        return recorded

    recorded = asyncio.run(run())
    writes = [step for step in steps if step is not None]
    assert b"".join(data for _, data in recorded.calls) == b"".join(writes)
    assert len(recorded.calls) <= len(writes)
