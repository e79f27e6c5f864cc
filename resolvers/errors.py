"""Errors users can act on: each carries `extensions.code` and a message saying what to fix."""

from __future__ import annotations

import datetime as dt

from graphql import GraphQLError

from resolvers.error_codes import ErrorCode


class UserError(GraphQLError):
    """An expected error: its message and code reach the client unchanged."""

    def __init__(self, message: str, *, code: ErrorCode) -> None:
        super().__init__(message, extensions={"code": code})


def bad_input(message: str) -> UserError:
    return UserError(message, code=ErrorCode.BAD_USER_INPUT)


def not_found(kind: str, key: str) -> UserError:
    return UserError(f"No {kind} with id {key!r}", code=ErrorCode.NOT_FOUND)


def cohort_too_small() -> UserError:
    # The same words whatever the cohort's real size (0 or 4): the refusal must not reveal it.
    return UserError(
        "Refused: this value would be derived from too few distinct accounts",
        code=ErrorCode.COHORT_TOO_SMALL,
    )


def internal_only(metric: str, month: dt.date) -> UserError:
    return UserError(
        f"Refused: only internal keys get {metric}'s figures across accounts for "
        f"{month:%Y-%m}: no differentially private release of it was drawn, since its "
        "definition declared no lower_bound and upper_bound when the month was published "
        "(declare them, then publish the month again with --revise)",
        code=ErrorCode.INTERNAL_ONLY,
    )


def release_bounds_unknown(metric: str, month: dt.date) -> UserError:
    return UserError(
        f"No rank of {metric} for {month:%Y-%m}: a rank is read off the differentially private "
        "release and the bounds it was drawn with, and this release was published before the "
        "server kept its bounds, which the metric's definition no longer tells (it declares "
        "none, or others that the release does not fit). Its sector figures are still given; "
        "their accuracy is unknown",
        code=ErrorCode.RELEASE_BOUNDS_UNKNOWN,
    )


def month_not_published(message: str) -> UserError:
    return UserError(message, code=ErrorCode.MONTH_NOT_PUBLISHED)
