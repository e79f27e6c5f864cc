"""Automatic persisted queries, in Apollo's protocol (version 1).

A client sends `extensions: {"persistedQuery": {"version": 1, "sha256Hash": HEX}}`, first
without the query. If this process knows the hash it runs the query registered under it;
otherwise it answers with the error PERSISTED_QUERY_NOT_FOUND (message "PersistedQueryNotFound",
HTTP 200, as Apollo clients expect) and the client sends the hash again with the query, which
registers it. A query whose SHA-256 is not the given hash is refused and not registered. The
message of a miss is the protocol's word, not a sentence: urql's exchange matches it exactly.

Persisted queries are POSTed, as Apollo Client sends them by default: a GET carrying one (its
`useGETForHashedQueries`) is refused as any query by GET is (BAD_REQUEST, after the key check),
before the hash is looked up, so that variables stay out of URLs and logs and a GET cannot
probe which hashes a scope registered.

A hot query then travels as a 64-character hash, and the text that runs is the very string
registered first: the parser and validation caches find it by a hash Python has already
computed, so it is neither parsed nor validated again.

The store is a bounded LRU in each process (each worker learns its clients' queries on its
own, which the protocol's retry covers). Only queries that parse and validate are kept, so
junk cannot push hot queries out.

Queries are kept per credential scope (role, app and account: store.scope.Scope): a hash
registered under one scope is unknown to every other, which must register the query itself.
Otherwise a public key could run, by its hash alone, a query only an internal key ever sent,
and learn from PERSISTED_QUERY_NOT_FOUND which queries other clients use. One bound covers
every scope."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from resolvers.error_codes import ErrorCode
from server.auth import request_scope

Context = TypeVar("Context")
RootValue = TypeVar("RootValue")

# Apollo's and urql's clients recognise the miss by this exact message.
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"


class PersistedQueryError(Exception):
    """A persisted-query request that cannot run: the client is told what to do instead."""

    def __init__(self, message: str, code: ErrorCode) -> None:
        super().__init__(message)
        self.code = code
        self.status = code.http_status

    def as_graphql_error(self) -> GraphQLError:
        return GraphQLError(str(self), extensions={"code": self.code})


@dataclass(frozen=True, slots=True)
class PersistedQuery:
    """The query to run, and whether it still has to be registered (under `scope`) once it
    proved valid."""

    query: str
    sha256_hash: str
    new: bool
    scope: Hashable = None


class PersistedQueries:
    """Query texts by scope and the hex SHA-256 of their UTF-8 bytes, least recently used out
    first."""

    def __init__(self, *, maxsize: int = 1024) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self._maxsize = maxsize
        self._queries: OrderedDict[tuple[Hashable, str], str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._queries)

    def resolve(
        self, query: str | None, extensions: Mapping[str, Any] | None, *, scope: Hashable = None
    ) -> PersistedQuery | None:
        """The query a request of `scope` runs, or None when it does not use persisted queries.

        Raises PersistedQueryError for a hash unknown in that scope, a hash that does not match
        the query, or a malformed or unsupported `persistedQuery` extension."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return None
        sha256_hash = _checked_hash(persisted)
        key = (scope, sha256_hash)
        if query is None:
            known = self._queries.get(key)
            if known is None:
                raise PersistedQueryError(NOT_FOUND_MESSAGE, ErrorCode.PERSISTED_QUERY_NOT_FOUND)
            self._queries.move_to_end(key)
            return PersistedQuery(known, sha256_hash, new=False, scope=scope)
        if hashlib.sha256(query.encode()).hexdigest() != sha256_hash:
            raise PersistedQueryError(
                "The persisted query hash does not match the query: send "
                "extensions.persistedQuery.sha256Hash as the hex SHA-256 of the query's "
                "UTF-8 text",
                ErrorCode.BAD_REQUEST,
            )
        known = self._queries.get(key)
        if known is not None:  # registered before: run that very string, whose caches are warm
            self._queries.move_to_end(key)
            return PersistedQuery(known, sha256_hash, new=False, scope=scope)
        return PersistedQuery(query, sha256_hash, new=True, scope=scope)

    def register(self, persisted: PersistedQuery) -> None:
        key = (persisted.scope, persisted.sha256_hash)
        self._queries[key] = persisted.query
        self._queries.move_to_end(key)
        while len(self._queries) > self._maxsize:
            self._queries.popitem(last=False)


def _checked_hash(persisted: object) -> str:
    if not isinstance(persisted, Mapping):
        raise PersistedQueryError(
            "extensions.persistedQuery must be an object with version and sha256Hash",
            ErrorCode.BAD_REQUEST,
        )
    if persisted.get("version") != 1:
        raise PersistedQueryError(
            f"Unsupported persisted query version {persisted.get('version')!r}: send version 1",
            ErrorCode.BAD_REQUEST,
        )
    sha256_hash = persisted.get("sha256Hash")
    if not isinstance(sha256_hash, str) or not sha256_hash:
        raise PersistedQueryError(
            "extensions.persistedQuery.sha256Hash must be the hex SHA-256 of the query",
            ErrorCode.BAD_REQUEST,
        )
    return sha256_hash.lower()


class PersistedQueriesGraphQL(GraphQL[Context, RootValue], Generic[Context, RootValue]):
    """Strawberry's ASGI view, answering the persisted-query protocol before it executes."""

    def __init__(self, *args: Any, persisted_queries: int = 1024, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persisted_queries = PersistedQueries(maxsize=persisted_queries)

    def persisted_query_scope(self, request: Request) -> Hashable:
        """Whose persisted queries a request may run: those registered under its credential's
        scope (role, app and account)."""
        return request_scope(request)

    async def refuse_before_execution(
        self, request: Request, request_data: GraphQLRequestData, sub_response: Response
    ) -> ExecutionResult | None:
        """A hook for subclasses, given the query text that would run: an answer that
        replaces running it (setting the response's status and headers), or None to run it."""
        return None

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: RootValue | None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        asks_to_run = request_data.query is not None or bool(request_data.extensions)
        if request_adapter.method == "GET" and not self.allow_queries_via_get and asks_to_run:
            # Refused as Strawberry refuses a query by GET, before a hash is looked up: a GET
            # never runs, registers or probes a persisted query either.
            raise HTTPException(400, "queries are not allowed when using GET")
        try:
            persisted = self.persisted_queries.resolve(
                request_data.query,
                request_data.extensions,
                scope=self.persisted_query_scope(request),
            )
        except PersistedQueryError as error:
            sub_response.status_code = error.status
            return ExecutionResult(data=None, errors=[error.as_graphql_error()])
        if persisted is not None:
            request_data = dataclasses.replace(request_data, query=persisted.query)
        refused = await self.refuse_before_execution(request, request_data, sub_response)
        if refused is not None:
            return refused
        result = await super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=request_data,
        )
        # An error without a path failed the whole request (syntax, validation, limits):
        # such a query is not kept.
        if (
            persisted is not None
            and persisted.new
            and all(error.path is not None for error in result.errors or ())
        ):
            self.persisted_queries.register(persisted)
        return result
