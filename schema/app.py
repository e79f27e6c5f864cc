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
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from resolvers.context import RequestContext
from schema.auth import BearerKeys, request_scope
from schema.build import build_schema
from schema.limits import QueryLimits
from schema.observability import Observability
from schema.persisted_queries import PersistedQueriesGraphQL
from store.engine import create_engine
from store.settings import Settings


class ProfilingGraphQL(PersistedQueriesGraphQL[RequestContext, None]):
    def __init__(
        self, *, engine: AsyncEngine, settings: Settings, observability: Observability
    ) -> None:
        super().__init__(
            build_schema(
                limits=QueryLimits.from_environment(),
                introspection=settings.introspection,
                request_timeout=settings.request_timeout,
            ),
            graphql_ide="graphiql" if settings.graphiql else None,
            # Queries by GET would put them in caches and logs: POST only.
            allow_queries_via_get=False,
        )
        self._engine = engine
        self._settings = settings
        self._observability = observability

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        return RequestContext.build(
            engine=self._engine, settings=self._settings, scope=request_scope(request)
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        self._observability.count_errors(response.get("errors"))  # type: ignore[arg-type]
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def create_app(
    *,
    settings: Settings,
    engine: AsyncEngine | None = None,
    require_keys: bool = True,
) -> Starlette:
    """The app over an engine whose database is already migrated.

    Without an engine it makes one (which connects on first use, in the server's own event
    loop) and disposes of it at shutdown. Without `require_keys` (`serve --no-auth`) every
    request is internal."""
    owned = engine is None
    database = engine if engine is not None else create_engine(settings.database_url)

    async def healthz(_request: Request) -> Response:
        try:
            async with database.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to reach the database means "not ready"
            return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, 503)
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        if owned:
            await database.dispose()

    observability = Observability(database)
    graphql = ProfilingGraphQL(engine=database, settings=settings, observability=observability)
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
