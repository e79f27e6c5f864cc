"""Every error leaves with an `extensions.code`; unexpected ones leave with nothing else.

Expected errors (resolvers.errors.UserError, bad arguments, parse and validation failures)
keep their message. Anything else is an internal failure: the client sees "Unexpected error"
and a request id, the server log gets the traceback under the same id."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import GraphQLError

from resolvers.context import RequestContext
from resolvers.error_codes import ErrorCode
from schema.audience import told_exact
from schema.limits import QueryTooComplex
from store.running.error_causes import causes
from store.running.routing import ReadPlaceLost

logger = logging.getLogger("profiling.errors")


# graphql-core's wording for argument and variable values that do not fit their type.
_BAD_VALUE_MARKERS = (
    "got invalid value",
    "has invalid value",
    "Expected value of type",
    "cannot represent",
    # The scalars' own refusals (schema/scalars.py), as literals report them.
    "is not a date: send",
    "is not a decimal: send",
)

# PostgreSQL refuses a NUL character in a text value (character_not_in_repertoire) before it
# reads anything: a string argument holding one names nothing any store holds (loads refuse
# control characters), and the request's own input is at fault, not the server.
_CHARACTER_REFUSED = "22021"
_NUL_ARGUMENT = "a string argument holds a NUL character (\\u0000), which no stored value holds"


def _character_refused(error: BaseException) -> bool:
    return any(getattr(cause, "sqlstate", None) == _CHARACTER_REFUSED for cause in causes(error))


def classify(error: GraphQLError) -> GraphQLError:
    """The error as the client should see it."""
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    # Before execution (no path) every failure is the request's: parse, validation, values.
    if original is None or isinstance(original, GraphQLError) or error.path is None:
        if "tokens. Parsing aborted" in error.message:
            code = ErrorCode.QUERY_TOO_COMPLEX
        elif error.message.startswith("Syntax Error"):
            code = ErrorCode.GRAPHQL_PARSE_FAILED
        elif any(marker in error.message for marker in _BAD_VALUE_MARKERS):
            code = ErrorCode.BAD_USER_INPUT
        elif error.path is None:
            code = ErrorCode.GRAPHQL_VALIDATION_FAILED
        else:
            code = ErrorCode.BAD_USER_INPUT
        return _with_code(error, error.message, code)
    if _character_refused(original):
        return _with_code(error, _NUL_ARGUMENT, ErrorCode.BAD_USER_INPUT)
    request_id = uuid.uuid4().hex
    if isinstance(original, ReadPlaceLost):
        # Not a fault of the query: its database went away; the message says to retry.
        logger.warning("request %s at %s: %s", request_id, error.path, original)
        return _with_code(
            error, str(original), ErrorCode.INTERNAL_SERVER_ERROR, requestId=request_id
        )
    logger.error(
        "unexpected error %s at %s",
        request_id,
        error.path,
        exc_info=(type(original), original, original.__traceback__),
        extra={"request_id": request_id, "path": error.path},
    )
    return _with_code(
        error, "Unexpected error", ErrorCode.INTERNAL_SERVER_ERROR, requestId=request_id
    )


def _with_code(error: GraphQLError, message: str, code: str, **extra: Any) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), "code": code, **extra},
    )


def finish_errors(errors: list[GraphQLError] | None, context: object) -> list[GraphQLError] | None:
    """The response's errors: each classified, plus the refusals that travel beside data; a
    refusal of the query limits with its figures for internal keys only."""
    if not errors and not (isinstance(context, RequestContext) and context.side_errors):
        return None  # most answers: nothing to classify (no list made, no audience asked)
    collected = list(errors or [])
    if isinstance(context, RequestContext):
        collected.extend(context.side_errors)
    if told_exact(context):
        collected = [_exact(error) for error in collected]
    return [classify(error) for error in collected] or None


def _exact(error: GraphQLError) -> GraphQLError:
    if not isinstance(error, QueryTooComplex):
        return error
    return GraphQLError(
        error.exact_message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=error.extensions,
    )
