"""The Starlette application: GraphQL (with GraphiQL in a browser) at /graphql, /healthz."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from resolvers.context import RequestContext
from resolvers.known_names import KnownMetricNames
from schema.build import ProfilingSchema, build_schema
from schema.execution import internals
from server.auth import BearerKeys, request_key_id, request_scope
from server.observability import Observability
from server.persisted_queries import PersistedQueriesGraphQL
from server.rate_limits import RateLimiter
from settings import Settings
from store.engine import create_serving_engine
from store.running import shielded
from store.running.reader import reader_for


class ProfilingGraphQL(PersistedQueriesGraphQL[RequestContext, None]):
    def __init__(
        self,
        *,
        schema: ProfilingSchema,
        engine: AsyncEngine,
        settings: Settings,
        observability: Observability,
        rate_limiter: RateLimiter | None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            # Queries by GET would put them in caches and logs: POST only.
            allow_queries_via_get=False,
        )
        self._engine = engine
        self._settings = settings
        self._observability = observability
        self._rate_limiter = rate_limiter
        self._known_names = KnownMetricNames()

    async def refuse_before_execution(
        self, request: Request, request_data: GraphQLRequestData, sub_response: Response
    ) -> ExecutionResult | None:
        key_id = request_key_id(request)
        if self._rate_limiter is None or key_id is None:
            return None
        refused = await self._rate_limiter.refusal(
            key_id, request_data.query, request_data.operation_name
        )
        if refused is None:
            return None
        sub_response.status_code = 429
        sub_response.headers["Retry-After"] = str(refused.retry_after)
        return ExecutionResult(data=None, errors=[refused.as_graphql_error()])

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        return RequestContext.build(
            engine=self._engine,
            settings=self._settings,
            scope=request_scope(request),
            known_names=self._known_names,
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        self._observability.count_errors(response.get("errors"))  # type: ignore[arg-type]
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # orjson's decode error is a json.JSONDecodeError: a bad body is still a 400.
        return orjson.loads(data)


def create_app(
    *,
    settings: Settings,
    engine: AsyncEngine | None = None,
    require_keys: bool = True,
) -> Starlette:
    """The app over an engine whose database is already migrated.

    Without an engine it makes one (which connects on first use, in the server's own event
    loop) and disposes of it at shutdown. Without `require_keys` (`serve --no-auth`) every
    request is internal. Query and rate limits come with the settings."""
    schema = build_schema(
        limits=settings.limits,
        introspection=settings.introspection,
        request_timeout=settings.request_timeout,
        lean_execution=settings.lean_execution,
        prepared_queries=settings.prepared_queries,
    )
    rate_limits = settings.rate_limits
    rate_limiter = (
        RateLimiter(rate_limits, schema=internals.graphql_schema(schema))
        if rate_limits.enabled
        else None
    )
    owned = engine is None
    database = (
        engine
        if engine is not None
        else create_serving_engine(
            settings.database_url, statement_timeout=settings.request_timeout
        )
    )

    async def healthz(_request: Request) -> Response:
        try:
            await reader_for(database).read(lambda connection: connection.execute(text("SELECT 1")))
        except Exception as exc:  # any failure to reach the database means "not ready"
            return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, 503)
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        if rate_limiter is not None:
            await rate_limiter.close()
        if owned:
            # Reads of requests that timed out may still run: they return their connections
            # first (store/running/shielded.py).
            await shielded.settle_all()
            await database.dispose()

    observability = Observability(database)
    graphql = ProfilingGraphQL(
        schema=schema,
        engine=database,
        settings=settings,
        observability=observability,
        rate_limiter=rate_limiter,
    )
    return Starlette(
        routes=[
            Route(
                "/graphql",
                observability.wrap(
                    BearerKeys(graphql, engine=database, require_keys=require_keys), "/graphql"
                ),
                methods=["GET", "POST"],
            ),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", observability.endpoint, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
