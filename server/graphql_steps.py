"""The steps of a GraphQL request that Strawberry's view (server/app.py) and the fast path of
plain JSON POSTs (server/graphql_posts.py) both take, written once so that they cannot drift:
the request's context, its admission by the rate limiter, the accounting of its answer (errors
counted for /metrics, rows beyond the estimate charged to the key) and a refusal of the request
as a whole."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.responses import JSONResponse
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from resolvers.context import RequestContext
from resolvers.error_codes import ErrorCode
from resolvers.known_names import KnownMetricNames
from server.http_errors import view_refusal
from server.observability import Observability
from server.rate_limits import Admitted, RateLimited, RateLimiter
from settings import Settings
from store.running.reader import Reader, reader_for
from store.running.routing import ReadRouter
from store.scope import Scope as ReadScope


class GraphQLSteps:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        settings: Settings,
        observability: Observability,
        rate_limiter: RateLimiter | None,
        read_router: ReadRouter | None,
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._observability = observability
        self._rate_limiter = rate_limiter
        self._read_router = read_router
        self._known_names = KnownMetricNames()
        # The engine's reader, made by the first request: a reader holds nothing of a request
        # (store/running/reader.py), and finding the engine's form of it took a tenth of the
        # context's work (docs/performance.md).
        self._reader: Reader | None = None

    def context(self, scope: ReadScope) -> RequestContext:
        reader: Reader
        if self._read_router is not None:
            # With standbys, the request's reads run in the one place the router picks.
            reader = self._read_router.request_reader()
        elif self._reader is not None:
            reader = self._reader
        else:
            reader = self._reader = reader_for(
                self._engine, driver_reads=self._settings.driver_reads
            )
        # The context itself, not `RequestContext.build`: the reader and the known names are
        # at hand, which is all `build` adds (a frame fewer a request). Positional, in the
        # fields' order, as `build` passes them: the dataclass's `__init__` matching keywords
        # took about as much again as the object itself (resolvers/context.py;
        # tests/server/test_graphql_steps.py checks the order). `rows_as_json`: every answer of
        # the server is written by orjson (graphql_posts.py, the view's encode_json in app.py),
        # and its rows counted by answer_rows.py, which knows lists given as JSON text.
        return RequestContext(reader, self._settings, scope, self._known_names, [], True)

    def limits(self, key_id: str | None) -> bool:
        """Whether `admit` asks the rate limiter for this key (no limiter, or no key: never),
        so that a request it would not ask makes no coroutine for it."""
        return self._rate_limiter is not None and key_id is not None

    async def admit(
        self,
        key_id: str | None,
        scope: ReadScope,
        query: str | None,
        operation_name: str | None,
    ) -> Admitted | RateLimited | None:
        """What the key's bucket paid for the query (None: not limited), or why it may not
        run now; estimated with the list sizes of the key's `scope` (schema/limits.py)."""
        if self._rate_limiter is None or key_id is None:
            return None
        return await self._rate_limiter.admit(key_id, query, operation_name, scope=scope)

    async def answer(
        self, result: ExecutionResult, admitted: Admitted | None
    ) -> GraphQLHTTPResponse:
        """The answer's JSON object, its errors counted and its rows charged."""
        response = self.counted_answer(result)
        if admitted is not None:
            await self.charge(result, admitted)
        return response

    def counted_answer(self, result: ExecutionResult) -> GraphQLHTTPResponse:
        """The answer's JSON object, its errors counted (`answer` without the charge, which
        only an admitted request needs: no coroutine for the others)."""
        response = process_result(result)
        errors = response.get("errors")
        if errors:
            self._observability.count_errors(errors)  # type: ignore[arg-type]
        return response

    async def charge(self, result: ExecutionResult, admitted: Admitted) -> None:
        """The rows of the answer beyond what `admitted` paid for, charged to its key."""
        if self._rate_limiter is not None:
            await self._rate_limiter.charge_answer(admitted, result.data)

    def refusal(self, status: int, reason: str, method: str) -> JSONResponse:
        """The answer to a request refused as a whole (`reason` is Strawberry's view's own)."""
        self._observability.count_errors([{"extensions": {"code": ErrorCode.BAD_REQUEST}}])
        return view_refusal(status, reason, method)
