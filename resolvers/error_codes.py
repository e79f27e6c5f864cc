"""Every error code of the API, with the HTTP status it answers with: the one catalogue.

Each error leaves with `extensions.code` set to one of these. Errors of a query that ran
(bad input, not found, refusals) answer HTTP 200 beside whatever data could be given, as
GraphQL over HTTP does; the others say so in their status. The README's error table lists the
same codes and statuses (tests/resolvers/test_error_codes.py checks both ways)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    COHORT_TOO_SMALL = "COHORT_TOO_SMALL"
    INTERNAL_ONLY = "INTERNAL_ONLY"
    RELEASE_BOUNDS_UNKNOWN = "RELEASE_BOUNDS_UNKNOWN"
    MONTH_NOT_PUBLISHED = "MONTH_NOT_PUBLISHED"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_REQUEST = "BAD_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    TIMED_OUT = "TIMED_OUT"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"

    @property
    def http_status(self) -> int:
        return _HTTP_STATUS.get(self, 200)


# Codes that are not answered with HTTP 200.
_HTTP_STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.RATE_LIMITED: 429,
}
