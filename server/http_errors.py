"""Refusals of a request as a whole, before any GraphQL runs: a JSON body in GraphQL's shape,
`{"errors": [{"message": ..., "extensions": {"code": ...}}]}`, with the HTTP status that says
why (400 a malformed request, 401 no valid key, 403 a valid key of a role the path does not
take, 405 a method, 413 a body too large)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from resolvers.error_codes import ErrorCode


def error_response(
    message: str,
    *,
    code: ErrorCode = ErrorCode.BAD_REQUEST,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """One error, with `message` (one line saying what to send instead), `code`, and the
    code's HTTP status (resolvers/error_codes.py) unless `status` says otherwise (a 404)."""
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=code.http_status if status is None else status,
        headers=headers,
    )


BATCH_MESSAGE = "Batched requests (a JSON array) are not supported: send one operation a request"


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    """Starlette's routing refusals, with a 405 (a method the path does not take) in JSON: the
    app's handler of `starlette.exceptions.HTTPException`. Others (404) as Starlette says them."""
    if not isinstance(exc, HTTPException):  # registered for HTTPException only
        raise exc
    if exc.status_code != 405:
        if exc.status_code in {204, 304}:
            return Response(status_code=exc.status_code, headers=exc.headers)
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
    allowed = (exc.headers or {}).get("Allow", "")
    methods = ", ".join(sorted(method.strip() for method in allowed.split(",") if method.strip()))
    return error_response(
        f"Method {request.method} is not allowed here: use {methods}",
        code=ErrorCode.METHOD_NOT_ALLOWED,
        headers={"Allow": methods},
    )


# Strawberry's view refuses malformed requests with an HTTPException whose reason is terse;
# said here as what to send instead.
_VIEW_MESSAGES = {
    "Unable to parse request body as JSON": (
        'The request body is not valid JSON: send {"query": "..."} as application/json'
    ),
    "Unsupported content type": (
        'Unsupported content type: send {"query": "..."} with Content-Type: application/json'
    ),
    "No GraphQL query found in the request": (
        'No query in the request: POST {"query": "..."} as application/json'
    ),
    "queries are not allowed when using GET": (
        'Queries are not run by GET, persisted ones included: POST {"query": "..."} as '
        "application/json"
    ),
    "Batching is not enabled": BATCH_MESSAGE,
    "Not Found": 'GraphiQL is switched off on this server: POST {"query": "..."} to run queries',
}


def view_refusal(status: int, reason: str, method: str) -> JSONResponse:
    """The JSON answer to a request the GraphQL view refused as malformed (`reason` is the
    view's own) or for its method (405)."""
    if status == 405:
        return error_response(
            f"Method {method} is not allowed here: use GET or POST",
            code=ErrorCode.METHOD_NOT_ALLOWED,
            headers={"Allow": "GET, POST"},
        )
    return error_response(_VIEW_MESSAGES.get(reason, reason), status=status)
