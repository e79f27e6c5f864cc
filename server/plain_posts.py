"""The common POST /graphql answered in one frame: the metrics, the body cap's look, the key
check and the content type's look, in one pass over the headers, then GraphQLPosts.

Behind the router's shortcut (server/graphql_first.py) the API's hot request went through four
layers before its GraphQL work: the metrics' wrapper (server/observability.py: a coroutine, a
wrapper of `send` called for each of the answer's two messages to see its status), `Screened`
(server/screened.py: the body cap's and the key check's `hands_on`, a loop over the headers
each), GraphQLPosts' own coroutine (a third loop, for the Content-Type) and its answer's. Each
layer decided nothing for that request but that it goes on; together they were about 22,000
instructions of the small query's 400,000 in the serving process (docs/performance.md).

`PlainPosts` looks at the headers once. A request that the body cap would hand on (one
Content-Length in ASCII digits within the cap) and GraphQLPosts would answer itself (the first
Content-Type exactly `application/json`) is measured here, then:
- if it sends a key (a first Authorization header that is not empty), the key is checked here
  by the key check's own `credential` (the same parsing, lookup, revocation and roles): a
  refused key is answered with the key check's own 401, a valid one's scope and key id are put
  in the request's state, as the key check puts them (the rate limits read the key id there);
- if it sends none, and none is required and the keyless scope is admitted, it gets that scope.
It is then answered by `GraphQLPosts.post`, which writes the status it answers into the
request's measure itself (the view's answers and a refusal's through a wrapper of `send`, which
only they need). Every other request (no key where one is required among them) takes the whole
way, the measure with its guard in front of the screens, exactly as before. The counts,
statuses, headers, bodies, state and errors are the same either way
(tests/server/test_plain_posts.py): with keys required, where every API request sends a key,
this frame is what the common request takes (docs/performance.md has the figures)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from time import perf_counter

from starlette.types import Receive, Scope, Send

from server.auth import BearerKeys, refuse_key
from server.body_limit import BodyLimit
from server.direct_calls import direct
from server.graphql_posts import GraphQLPosts
from server.observability import STATUS, Observed, statuses

_CONTENT_LENGTH = b"content-length"
_CONTENT_TYPE = b"content-type"
_AUTHORIZATION = b"authorization"
_JSON = b"application/json"


class PlainPosts:
    """POST /graphql (HTTP, no root path: the shortcut's requests), with `measure` (the route's
    metrics, guarded as the shortcut guards it) in front of `body_limit`, in front of `keys`, in
    front of `posts`."""

    def __init__(
        self, measure: Observed, *, body_limit: BodyLimit, keys: BearerKeys, posts: GraphQLPosts
    ) -> None:
        errors = measure.errors
        if errors is None:
            raise ValueError("the measure must be guarded: PlainPosts answers its failures")
        self._fail = errors.fail
        # The whole way, for any request this frame does not answer.
        self._whole_way = direct(measure)
        self._record = measure.record
        self._count_statements_into = measure.count_statements_into
        self._max_bytes = body_limit.max_bytes
        self._cap_digits = len(str(self._max_bytes))
        # What a request that sends no key is handed on with; None where such a request is
        # not simply handed on (keys required): it takes the whole way, to its 401.
        self._keyless_scope = keys.handed_on_without_key
        # The key check's own decision on a key sent.
        self._credential = keys.credential
        self._post: Callable[[Scope, Receive, Send, list[int] | None], Awaitable[None]] = posts.post

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        length: bytes | None = None
        lengths = 0
        content_type: bytes | None = None
        authorization: bytes | None = None
        for name, value in scope["headers"]:
            if name == _CONTENT_LENGTH:
                lengths += 1
                length = value
            elif name == _CONTENT_TYPE:
                if content_type is None:
                    content_type = value
            elif name == _AUTHORIZATION and authorization is None:
                authorization = value
        keyless_scope = self._keyless_scope
        if (
            content_type != _JSON
            or lengths != 1
            or length is None
            # bytes.isdigit is ASCII digits only: what the body cap's own check reads.
            or not length.isdigit()
            # Fewer digits than the cap's is within it: no int() for the common length.
            or (len(length) >= self._cap_digits and int(length) > self._max_bytes)
            # The first Authorization decides, as in the key check; an empty one is no key.
            or (not authorization and keyless_scope is None)
        ):
            await self._whole_way(scope, receive, send)
            return
        # What the key check puts in the state of a request it hands on (the key's below).
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        if not authorization:
            state["read_scope"] = keyless_scope
        # The request's measure (observability.measured(), written out: no call).
        measure = [0, 0]
        # Not reset when the request ends (as in Observed: the request's task ends with it).
        # Set before the key's lookup, as the measure in front of the key check sets it.
        self._count_statements_into(measure)
        started = perf_counter()
        try:
            try:
                if authorization:
                    # What the key check reads (`_authorization`): the header in latin-1.
                    found = await self._credential(authorization.decode("latin-1"))
                    if found is None:
                        await refuse_key(scope, receive, statuses(measure, send))
                        return
                    state["read_scope"] = found.scope
                    state["api_key_id"] = found.key_id
                await self._post(scope, receive, send, measure)
            finally:
                self._record(started, measure, True)
        except Exception as failure:
            # Counted above as before: the guard sat outside the measure.
            await self._fail(failure, scope, receive, send, started=measure[STATUS] != 0)
