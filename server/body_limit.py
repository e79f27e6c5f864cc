"""A cap on the size of a request body, enforced before the body is read into memory.

A request whose Content-Length is over the cap is answered HTTP 413 at once: its body is never
read. A body without a Content-Length (chunked) is counted as it arrives, and the request is
answered 413 as soon as the count passes the cap: nothing past the cap is read, and nothing of it
reaches the app. Either way the connection is closed after the answer, since the rest of the
body was not read off it.

A body within its Content-Length is not counted again: the HTTP server ends it there.

The cap (`PROFILING_MAX_BODY_BYTES`, 256 KiB) is far above any query within the token limit;
what it stops is a body that would cost memory, hashing and parsing before any other limit saw
it (3 MB of `{ __typename __typename ... }`)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resolvers.error_codes import ErrorCode
from server.http_errors import error_response


class _BodyTooLarge(Exception):
    """Raised out of `receive` once a body passes the cap, through the app, to BodyLimit."""


class BodyLimit:
    """An ASGI middleware that refuses request bodies over `max_bytes`."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self._app = app
        self._max_bytes = max_bytes

    @property
    def max_bytes(self) -> int:
        """The cap: a body of more bytes is refused."""
        return self._max_bytes

    def hands_on(self, scope: Scope) -> bool:
        """Whether `__call__` would pass the request to its app untouched: an HTTP request
        with one Content-Length, written in ASCII digits alone, within the cap (server/
        screened.py). Anything else (no length, several, a sign, spaces) is `__call__`'s."""
        if scope["type"] != "http":
            return False
        length: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                if length is not None:
                    return False
                length = value
        # bytes.isdigit is ASCII digits only, so `int` reads what `__call__`'s check reads.
        return length is not None and length.isdigit() and int(length) <= self._max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        # What Headers(scope=scope).getlist("content-length") answers, without building one.
        lengths = [
            value.decode("latin-1") for name, value in scope["headers"] if name == b"content-length"
        ]
        if lengths:
            if not all(length.strip().isdigit() for length in lengths) or len(set(lengths)) > 1:
                response = error_response(
                    "Content-Length must be one whole number of bytes",
                    status=400,
                    headers={"Connection": "close"},
                )
                await response(scope, receive, send)
                return
            if int(lengths[0]) > self._max_bytes:
                await self._refuse(scope, receive, send)
                return
            # Within the cap: the HTTP server frames the body by its Content-Length (uvicorn's
            # parsers end the body there), so there is nothing to count.
            await self._app(scope, receive, send)
            return

        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self._max_bytes:
                    raise _BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self._app(scope, counted_receive, watched_send)
        except _BodyTooLarge:
            if started:  # too late to answer: the server closes the connection
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            f"Request body too large: send at most {self._max_bytes:,} bytes",
            code=ErrorCode.PAYLOAD_TOO_LARGE,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)
