"""How a failed field's error leaves: the message of a lost standby is kept, as it says to retry."""

from __future__ import annotations

from graphql import GraphQLError

from schema.errors import classify
from store.running.routing import ReadPlaceLost


def test_a_request_whose_standby_went_away_is_told_to_retry() -> None:
    lost = ReadPlaceLost("standby1")
    error = classify(GraphQLError(str(lost), path=["account"], original_error=lost))
    assert error.message == str(lost)
    assert "retry the request" in error.message
    assert error.extensions is not None
    assert error.extensions["code"] == "INTERNAL_SERVER_ERROR"
    assert len(error.extensions["requestId"]) == 32


def test_any_other_failure_reveals_nothing() -> None:
    failure = RuntimeError("SELECT secret FROM accounts")
    error = classify(GraphQLError(str(failure), path=["account"], original_error=failure))
    assert error.message == "Unexpected error"
