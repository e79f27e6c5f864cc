"""The Starlette application: GraphQL (with GraphiQL in a browser) at /graphql, /healthz.

Cross-origin requests are answered for the origins of PROFILING_CORS_ORIGINS only, around every
route (server/cors.py). In front of /graphql, outermost first: metrics, the body size cap
(server/body_limit.py), API keys (server/auth.py), the fast path of plain JSON POSTs
(server/graphql_posts.py), then the view; a POST to /graphql reaches that chain without passing
Starlette's router (server/graphql_first.py), and its common request (a plain JSON body, one
Content-Length within the cap, a key sent or none needed) goes through the chain's checks in
one frame (server/plain_posts.py). The fast paths answer exactly as the view would,
and PROFILING_FAST_POSTS=false switches them off. A request the view cannot make sense of
(malformed JSON, a body that is not one JSON object, no query, an unsupported method or content
type) is answered in JSON with `extensions.code` BAD_REQUEST, as every other refusal is."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import HTTPException
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as RoutingException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult

from resolvers.context import RequestContext
from schema.build import ProfilingSchema, build_schema
from schema.execution import internals
from server.auth import BearerKeys, request_key_id, request_scope
from server.body_limit import BodyLimit
from server.content_types import parse_content_type_once
from server.cors import cors_middleware
from server.graphql_first import GraphQLFirst
from server.graphql_posts import GraphQLPosts
from server.graphql_steps import GraphQLSteps
from server.http_errors import BATCH_MESSAGE, method_not_allowed
from server.list_sizes import ListSizesRefresher
from server.logs import access_log_enabled
from server.observability import Observability, Observed
from server.page_requests import asks_for_page
from server.pages import GraphiQLPage, page_routes
from server.persisted_queries import PersistedQueriesGraphQL
from server.plain_posts import PlainPosts
from server.rate_limits import Admitted, RateLimiter
from server.screened import Screened
from settings import Settings, SettingsError
from settings.origins import keyless_refusal
from store.engine import create_serving_engine
from store.running import shielded
from store.running.reader import close_readers, reader_for
from store.running.routing import STANDBY_CONNECT_TIMEOUT, ReadRouter
from store.scope import INTERNAL, Role
from store.scope import Scope as ReadScope


class ProfilingGraphQL(PersistedQueriesGraphQL[RequestContext, None]):
    def __init__(self, *, schema: ProfilingSchema, settings: Settings, steps: GraphQLSteps) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            # Queries by GET would put them in caches and logs: POST only.
            allow_queries_via_get=False,
        )
        self._steps = steps

    async def refuse_before_execution(
        self, request: Request, request_data: GraphQLRequestData, sub_response: Response
    ) -> ExecutionResult | None:
        admission = await self._steps.admit(
            request_key_id(request),
            request_scope(request),
            request_data.query,
            request_data.operation_name,
        )
        if admission is None:
            return None
        if isinstance(admission, Admitted):
            # process_result charges the rows of the answer beyond what was paid for.
            request.state.admitted = admission
            return None
        sub_response.status_code = 429
        sub_response.headers["Retry-After"] = str(admission.retry_after)
        return ExecutionResult(data=None, errors=[admission.as_graphql_error()])

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # The rule the key check and our page follow: a GET with GraphQL parameters is a query.
        return asks_for_page(
            request.method, request.query_params.keys(), request.headers.get("accept", "")
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        return self._steps.context(request_scope(request))

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        admitted: Admitted | None = getattr(request.state, "admitted", None)
        return await self._steps.answer(result, admitted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Strawberry's view answers its refusals (HTTPException) in plain text: in JSON here.
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as refusal:
            response = self._steps.refusal(refusal.status_code, refusal.reason, request.method)
        await response(scope, receive, send)

    def stream_protocols(self) -> set[str]:
        """The streaming transports the view offers (none): a request asking for one by its
        Accept header would be streamed, which server/graphql_posts.py does not do."""
        return set(self.protocols) & set(self.stream_transport_classes_by_protocol)

    def parse_json(self, data: str | bytes) -> Any:
        # A body must be one JSON object: `"x"`, `12` or `null` would fail deep in the view.
        value = super().parse_json(data)
        if isinstance(value, list):
            raise HTTPException(400, BATCH_MESSAGE)
        if not isinstance(value, dict):
            raise HTTPException(
                400,
                f'Expected a JSON object such as {{"query": "..."}}, got {_json_kind(value)}',
            )
        return value

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # orjson's decode error is a json.JSONDecodeError: a bad body is still a 400.
        return orjson.loads(data)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string"


def create_app(
    *,
    settings: Settings,
    engine: AsyncEngine | None = None,
    require_keys: bool = True,
    keyless_scope: ReadScope = INTERNAL,
    forwarded_allow_ips: str | None = None,
) -> Starlette:
    """The app over an engine whose database is already migrated.

    Without an engine it makes one (which connects on first use, in the server's own event
    loop) and disposes of it at shutdown. Without `require_keys` (`serve --no-auth`) every
    request that sends no key has `keyless_scope`: internal for the server, an account's own
    scope for a customer's deck built in process (cli/slides). Query and rate limits come with
    the settings. With `forwarded_allow_ips` the app reads the proxy headers of requests from
    those addresses itself, as uvicorn's `--proxy-headers` would (server/forwarded.py), but for
    the fast path's POSTs when the access log is off (nothing reads them there)."""
    if not require_keys and (refusal := keyless_refusal(settings.cors_origins)):
        raise SettingsError(refusal)
    # Strawberry's view parses each request's Content-Type: once per distinct header instead.
    internals.install_content_type_parser(parse_content_type_once)
    schema = build_schema(
        limits=settings.limits,
        introspection=settings.introspection,
        request_timeout=settings.request_timeout,
        lean_execution=settings.lean_execution,
        prepared_queries=settings.prepared_queries,
        compiled_execution=settings.compiled_execution,
    )
    rate_limits = settings.rate_limits
    rate_limiter = (
        RateLimiter(
            rate_limits,
            schema=internals.graphql_schema(schema),
            query_limits=settings.limits,
        )
        if rate_limits.enabled
        else None
    )
    owned = engine is None
    database = (
        engine
        if engine is not None
        else create_serving_engine(
            settings.database_url,
            statement_timeout=settings.request_timeout,
            pool_size=settings.database_pool_size,
        )
    )

    read_router = _read_router(settings, database)

    async def healthz(_request: Request) -> Response:
        # Standbys that are down or late only move reads to the primary: the primary decides.
        standbys = {} if read_router is None else {"standbys": read_router.status()}
        try:
            await reader_for(database, driver_reads=settings.driver_reads).read(
                lambda connection: connection.execute(text("SELECT 1"))
            )
        except Exception as exc:  # any failure to reach the database means "not ready"
            return JSONResponse(
                {"status": "unavailable", "reason": type(exc).__name__, **standbys}, 503
            )
        return JSONResponse({"status": "ok", **standbys})

    # The estimates of the validation rule and the rate limiter use the sizes it measures.
    list_sizes = ListSizesRefresher(database, schema)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if rate_limiter is not None:
            await rate_limiter.check()
        async with contextlib.AsyncExitStack() as running:
            await running.enter_async_context(list_sizes.running())
            if read_router is not None:
                await running.enter_async_context(read_router.running())
            yield
        if rate_limiter is not None:
            await rate_limiter.close()
        if owned:
            # Reads of requests that timed out may still run: they return their connections
            # first (store/running/shielded.py).
            await shielded.settle_all()
            await close_readers(database)
            await database.dispose()
        if read_router is not None:
            await shielded.settle_all()
            for standby in read_router.standbys:
                await close_readers(standby.engine)
                await standby.engine.dispose()

    observability = Observability(database)
    if read_router is not None:
        observability.watch_reads(read_router)
    steps = GraphQLSteps(
        engine=database,
        settings=settings,
        observability=observability,
        rate_limiter=rate_limiter,
        read_router=read_router,
    )
    graphql = ProfilingGraphQL(schema=schema, settings=settings, steps=steps)
    # Our GraphiQL page (served from the package's files) for browsers.
    graphql_app: ASGIApp = GraphiQLPage(graphql, keys_required=require_keys)
    posts: GraphQLPosts | None = None
    if settings.fast_posts and not graphql.stream_protocols():
        # Plain JSON POSTs past Strawberry's view (server/graphql_posts.py), the rest to it.
        graphql_app = posts = GraphQLPosts(graphql_app, schema=schema, steps=steps)
    keys = BearerKeys(
        graphql_app, engine=database, require_keys=require_keys, keyless_scope=keyless_scope
    )
    body_limit = BodyLimit(keys, max_bytes=settings.max_body_bytes)

    def plain_posts(measure: Observed) -> ASGIApp:
        """The shortcut's requests with the metrics, the screens, the key check and the fast
        path in one frame, the rest the whole way (server/plain_posts.py)."""
        if posts is None:
            return measure
        return PlainPosts(measure, body_limit=body_limit, keys=keys, posts=posts)

    app = GraphQLFirst(
        # POST /graphql straight to its route's app, past Starlette's router.
        first_path="/graphql" if settings.fast_posts else None,
        forwarded_allow_ips=forwarded_allow_ips,
        first_forwarded=access_log_enabled(settings.access_log_sample),
        first_plain=plain_posts,
        routes=[
            Route(
                "/graphql",
                observability.wrap(
                    # The body cap, then the key check, skipped where they would only look.
                    Screened([body_limit, keys], graphql_app)
                    if settings.fast_posts
                    else body_limit,
                    "/graphql",
                ),
                methods=["GET", "POST"],
            ),
            Route("/healthz", healthz, methods=["GET"]),
            Route(
                "/metrics",
                BearerKeys(
                    observability.metrics_app,
                    engine=database,
                    require_keys=require_keys,
                    keyless_scope=keyless_scope,
                    roles={Role.INTERNAL},
                    page_without_key=False,
                ),
                methods=["GET"],
            ),
            *page_routes(graphiql=settings.graphiql, keys_required=require_keys),
        ],
        middleware=cors_middleware(settings.cors_origins),
        # A method a path does not take is answered in JSON, as every refusal of the API is.
        exception_handlers={RoutingException: method_not_allowed},
        lifespan=lifespan,
    )
    # Refreshed by the lifespan; `await app.state.list_sizes.refresh()` measures them now.
    app.state.list_sizes = list_sizes
    # The executable schema, with the fast paths the settings chose.
    app.state.schema = schema
    # The standbys' states; `await app.state.read_router.check()` measures them now.
    app.state.read_router = read_router
    return app


def _read_router(settings: Settings, primary: AsyncEngine) -> ReadRouter | None:
    """Routes the API's reads over the standbys of DATABASE_READ_URL, if there are any."""
    standbys = settings.standbys
    if not standbys.urls:
        return None
    engines = [
        create_serving_engine(
            url,
            statement_timeout=settings.request_timeout,
            connect_timeout=STANDBY_CONNECT_TIMEOUT,
            pool_size=settings.database_pool_size,
        )
        for url in standbys.urls
    ]
    return ReadRouter(
        primary,
        engines,
        max_lag=standbys.max_lag,
        check_interval=standbys.check_interval,
        driver_reads=settings.driver_reads,
    )
