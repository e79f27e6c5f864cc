"""Middlewares that only look at most requests, skipped as layers for those requests.

The body cap (server/body_limit.py) and the key check (server/auth.py) sit in front of
/graphql as ASGI middlewares, each a coroutine that awaits the next one: for the common request
(one Content-Length within the cap; under `--no-auth`, no key sent) each only looks at the
request's headers and hands it on unchanged, and its layer (a coroutine made, entered and left)
is most of what it costs (docs/performance.md, "The HTTP layer of the small query"). Each of
them says, synchronously and doing nothing else to the request than it would do, whether it
would hand the request on (`hands_on(scope)`); `Screened` asks them in their order and sends
the request to the app behind the last of them when they all would, or else into the first
that would not, which takes it from there exactly as it did before (the rest of the chain
behind it included)."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from server.direct_calls import direct


class Screen(Protocol):
    """An ASGI middleware that can tell, before it runs, that it would hand a request on."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None: ...

    def hands_on(self, scope: Scope) -> bool:
        """Whether the middleware would pass `scope` to its app unchanged, doing nothing else
        to the request (what it puts in the scope on the way, it puts in here)."""
        ...


class Screened:
    """`screens[0]`, which wraps `screens[1]`, ... which wraps `app`: the same answers, with the
    screens that would hand a request on skipped."""

    def __init__(self, screens: Sequence[Screen], app: ASGIApp) -> None:
        self._screens = tuple(screens)
        # Each screen with its bound `hands_on`, looked up once.
        self._checks = tuple((screen, screen.hands_on) for screen in self._screens)
        self._app = app
        # What is called: the app's bound `__call__` (server/direct_calls.py).
        self._call = direct(app)

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Not a coroutine of its own: the chosen app's, which the caller awaits (one layer of
        # coroutine fewer a request; Starlette's Route calls an app instance and awaits what
        # it returns, as the metrics' wrapper in front of it does).
        for screen, hands_on in self._checks:
            if not hands_on(scope):
                return screen(scope, receive, send)
        return self._call(scope, receive, send)
