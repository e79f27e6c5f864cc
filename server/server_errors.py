"""The answer to a request whose app raised: Starlette's ServerErrorMiddleware's, given from
inside another layer.

Starlette wraps every app in a ServerErrorMiddleware: an exception out of the app is answered
500 (its plain "Internal Server Error", the app's handler of 500 or Exception, or the traceback
page in debug mode) unless the response had started, and raised again to the server, which logs
it. That middleware is one coroutine layer a request, with its own wrapper around `send`, to
see whether the answer started. The /graphql route's metrics wrapper already watches `send`
for the status it counts (server/observability.py), so on the fast path of POST /graphql
(server/graphql_first.py) it takes this guard into its own frame: the same middleware's code,
run only once an exception is there, decides and sends the answer, so that nothing about it can
differ from Starlette's."""

from __future__ import annotations

from typing import Any, NoReturn

from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import Message, Receive, Scope, Send


async def _dropped(_message: Message) -> None:
    """Where the 500 goes when the answer had started: ServerErrorMiddleware sends none then."""


class ServerErrors:
    """What `ServerErrorMiddleware(app, handler=handler, debug=debug)` does when `app` raises."""

    def __init__(self, *, handler: Any = None, debug: bool = False) -> None:
        self.handler = handler
        self.debug = debug

    async def fail(
        self, failure: Exception, scope: Scope, receive: Receive, send: Send, *, started: bool
    ) -> NoReturn:
        """Answers `failure` (raised by the app of the request of `scope`) as Starlette's
        middleware would, unless the answer `started` already, and raises it again."""

        async def raising(_scope: Scope, _receive: Receive, _send: Send) -> None:
            raise failure

        guard = ServerErrorMiddleware(raising, handler=self.handler, debug=self.debug)
        await guard(scope, receive, _dropped if started else send)
        raise failure  # pragma: no cover - the guard raises it again
