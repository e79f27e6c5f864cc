"""POST /graphql handed to its route's app before Starlette's router looks at the request.

A request goes through Starlette's app, its ServerErrorMiddleware and ExceptionMiddleware,
its router (which tries the routes in order, each with a regular expression) and the route,
before it reaches the app of /graphql (metrics, body cap, keys, the GraphQL view): work that
decides nothing for a request whose method and path are those of the API's one hot route
(docs/performance.md has the figures). `GraphQLFirst` is the Starlette app with a shortcut for
POST /graphql: it gives the request the scope keys the router would have given it
(`app`, `router`, `endpoint`, `path_params`) and hands it to the route's app under a
ServerErrorMiddleware of its own, built as Starlette builds its own, so that a failure is still
answered 500 "Internal Server Error" and raised to the server, which logs it. When no middleware
of the app's sits between them and the route's app can take that guard into its own frame (the
metrics' wrapper: `guarded`, server/observability.py), the route's app gets it instead of a
layer around it (server/server_errors.py: the same middleware's code answers the failure), and
the app may put a frame of its own over that guarded app (`first_plain`: server/plain_posts.py,
which answers the common request itself and hands it every other).

The app's own middleware (CORS, server/cors.py) wraps the route's app in the shortcut too, in
the order Starlette's stack gives it. What the shortcut leaves out is ExceptionMiddleware,
whose handlers answer Starlette's HTTPException: nothing under /graphql raises one (the view's
refusals are cross_web's HTTPException, answered by the view itself: server/app.py), and the
router raises the 404s and 405s, which every other request still gets from it. Any other
request (another path or method, a root path, websockets, the lifespan) takes Starlette's whole
way, and so does every request of an app with a body size limit of Starlette's (which only its
stack applies)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from server.direct_calls import direct
from server.forwarded import forwarded
from server.server_errors import ServerErrors


class GraphQLFirst(Starlette):
    def __init__(
        self,
        *,
        first_path: str | None = None,
        forwarded_allow_ips: str | None = None,
        first_forwarded: bool = True,
        first_plain: Callable[[Any], ASGIApp] | None = None,
        **options: Any,
    ) -> None:
        """`forwarded_allow_ips`: read the proxy headers of requests from these addresses
        (uvicorn's ProxyHeadersMiddleware and its setting, which the server then leaves to
        the app); `first_forwarded`: the shortcut's requests too (only the access log reads
        what they set for those: server/forwarded.py); `first_plain`: given the route's app
        guarded, the app that answers the shortcut's requests (server/plain_posts.py), where
        the guarded app is the one called."""
        super().__init__(**options)
        self._first_path = first_path
        self._first: tuple[Any, ASGIApp] | None = None
        # Starlette's way, behind the proxy headers' middleware when there is one.
        self._rest = forwarded(direct(super().__call__), forwarded_allow_ips)
        if first_path is not None and self.max_body_size is None:
            (route,) = [
                route
                for route in self.router.routes
                if isinstance(route, Route) and route.path == first_path
            ]
            if route.methods is None or "POST" not in route.methods or route.param_convertors:
                raise ValueError(f"{first_path} must be a route of POST without parameters")
            # The same 500 handler Starlette's own stack would have (build_middleware_stack).
            handler = self.exception_handlers.get(500) or self.exception_handlers.get(Exception)
            app = route.app
            guarded = getattr(app, "guarded", None)
            if not self.user_middleware and guarded is not None:
                # Nothing between the guard and the route's app: the app answers its failures
                # in its own frame (server/server_errors.py).
                first = guarded(ServerErrors(handler=handler, debug=self.debug))
                if first_plain is not None:
                    first = first_plain(first)
            else:
                for cls, args, kwargs in reversed(self.user_middleware):
                    app = cls(app, *args, **kwargs)
                first = ServerErrorMiddleware(app, handler=handler, debug=self.debug)
            # Held as its bound `__call__` (server/direct_calls.py).
            self._first = (
                route.endpoint,
                forwarded(direct(first), forwarded_allow_ips if first_forwarded else None),
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        first = self._first
        if (
            first is not None
            and scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == self._first_path
            and not scope.get("root_path")
        ):
            scope["app"] = self
            if "router" not in scope:
                scope["router"] = self.router
            scope["endpoint"] = first[0]
            scope["path_params"] = {}
            await first[1](scope, receive, send)
            return
        await self._rest(scope, receive, send)
