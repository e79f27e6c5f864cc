"""The common request, a JSON POST of `{"query", "variables", "operationName"}`, answered
without Strawberry's generic HTTP view.

For such a request the view builds a Starlette Request, a request adapter, a sub-response and a
GraphQLRequestData, parses the Content-Type and the body through several layers of hooks, and
renders a Starlette Response: about a third of a small query's time in the server
(docs/performance.md). `GraphQLPosts` reads the body itself, decodes it with orjson once, and
takes the view's own steps (server/graphql_steps.py: context, rate limit, accounting) around
`ProfilingSchema.execute`, which is what the view calls too (with the operation types a POST may
run). The answer is encoded with orjson and sent with the headers Starlette's Response would
send, in the same order.

Anything else goes to the view unchanged, with the body already read replayed to it message by
message: another method or content type, a body that is not one JSON object of those keys with
those types (malformed JSON, a batch, persisted-query extensions, a query that is not a string),
and websockets. The differential test (tests/server/test_graphql_posts.py) sends every kind of
request both ways and compares status, headers and bytes.

`PROFILING_FAST_POSTS=false` sends every request through the view."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from schema.build import ProfilingSchema
from server.content_types import parse_content_type_once
from server.graphql_steps import GraphQLSteps
from server.observability import STATUS, statuses
from server.rate_limits import RateLimited
from store.scope import Scope as ReadScope

# The keys of a plain request; any other (extensions: persisted queries) takes the view.
_PLAIN_KEYS = frozenset({"query", "variables", "operationName"})
# What Strawberry's view lets a POST run (OperationType.from_http).
_POST_OPERATIONS = frozenset(OperationType.from_http("POST"))
_JSON = b"application/json"


class GraphQLPosts:
    """An ASGI app in front of the GraphQL view (inside the key check, which has put the
    credential's scope in the ASGI scope's state)."""

    def __init__(self, view: ASGIApp, *, schema: ProfilingSchema, steps: GraphQLSteps) -> None:
        self._view = view
        self._schema = schema
        self._steps = steps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not _json_content(scope):
            await self._view(scope, receive, send)
            return
        await self.post(scope, receive, send, None)

    async def post(
        self, scope: Scope, receive: Receive, send: Send, measured: list[int] | None
    ) -> None:
        """Answers a POST of JSON content (the view, given the body, answers what is not a
        plain request). With `measured` (the metrics' cell of the request, server/
        plain_posts.py) the status is written in `measured[STATUS]` when the answer starts,
        as a wrapper of `send` would see it: the answers of this method by its own write, the
        view's and a refusal's through such a wrapper, which only they need."""
        message = await receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            # The whole body in one message, as the HTTP server gives a small one.
            messages, body = [message], message.get("body", b"")
        else:
            messages, body = await _read_body(message, receive)
        request = _plain_request(body)
        if request is None:
            await self._view(
                scope,
                _replay(messages, receive),
                send if measured is None else statuses(measured, send),
            )
            return
        query, variables, operation_name = request
        # One frame with the answer (a coroutine layer fewer a request).
        steps = self._steps
        state = scope["state"]
        # What server/auth.py put in the state: the credential's scope, and the id of the key
        # the request presented (none without keys, `--no-auth`).
        credential: ReadScope = state["read_scope"]
        # Built before the rate limit, as the view builds it (a standby is picked either way).
        context = steps.context(credential)
        key: str | None = state.get("api_key_id")
        admission = (
            await steps.admit(key, credential, query, operation_name)
            if key is not None and steps.limits(key)
            else None
        )
        retry_after: int | None = None
        if isinstance(admission, RateLimited):
            retry_after = admission.retry_after
            result = ExecutionResult(data=None, errors=[admission.as_graphql_error()])
            admission = None
        else:
            reason: str | None = None
            try:
                result = await self._schema.execute_post(
                    query, variables, context, operation_name, _POST_OPERATIONS
                )
            # The view's own refusals of what the query asks for (execute_single).
            except CannotGetOperationTypeError as error:
                reason = error.as_http_error_reason()
            except InvalidOperationTypeError as error:
                reason = error.as_http_error_reason("POST")
            except MissingQueryError:
                reason = "No GraphQL query found in the request"
            if reason is not None:
                await steps.refusal(400, reason, "POST")(
                    scope, receive, send if measured is None else statuses(measured, send)
                )
                return
        # An answer without errors or extensions is its data (strawberry's process_result).
        answer = (
            {"data": result.data}
            if not result.errors and not result.extensions
            else steps.counted_answer(result)
        )
        if admission is not None:
            await steps.charge(result, admission)
        content = orjson.dumps(answer)
        # As Starlette's Response sends them: length, type, then the sub-response's headers.
        headers = [
            (b"content-length", b"%d" % len(content)),
            (b"content-type", _JSON),
        ]
        status = 200
        if retry_after is not None:
            status = 429
            headers.append((b"retry-after", str(retry_after).encode()))
        if measured is not None:
            measured[STATUS] = status
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


def _json_content(scope: Scope) -> bool:
    """Whether the request's (first) Content-Type is exactly application/json, with parameters
    or not: what the view parses as JSON, less its odd cases (`application/json-seq`)."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            if value == _JSON:  # the common header, without a parse
                return True
            try:
                mime_type, _ = parse_content_type_once(value.decode("latin-1"))
            except ValueError:
                return False
            return mime_type == "application/json"
    return False


async def _read_body(first: Message, receive: Receive) -> tuple[list[Message], bytes]:
    """The messages of the request's body from its `first`, and the body; a message that is
    not part of the body (a disconnect) ends the reading, and the view, given them all again,
    answers it."""
    messages: list[Message] = [first]
    message = first
    while message["type"] == "http.request" and message.get("more_body", False):
        message = await receive()
        messages.append(message)
    if messages[-1]["type"] != "http.request":
        return messages, b""  # not a whole body: `_plain_request` refuses it
    if len(messages) == 1:
        return messages, messages[0].get("body", b"")
    return messages, b"".join(message.get("body", b"") for message in messages)


def _plain_request(body: bytes) -> tuple[str, dict[str, Any] | None, str | None] | None:
    """The query, variables and operation name of a plain request, or None for the view."""
    if not body:
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict or not data.keys() <= _PLAIN_KEYS:
        return None
    query = data.get("query")
    variables = data.get("variables")
    operation_name = data.get("operationName")
    if (
        type(query) is not str
        or not (variables is None or type(variables) is dict)
        or not (operation_name is None or type(operation_name) is str)
    ):
        return None
    return query, variables, operation_name


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive that gives `messages` again, in order, then what `receive` gives."""
    pending = iter(messages)

    async def replayed() -> Message:
        for message in pending:
            return message
        return await receive()

    return replayed
