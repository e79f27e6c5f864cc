"""The Date and Decimal scalars of the contract, with messages that say what to send."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.pyutils import inspect
from strawberry.types.scalar import ScalarDefinition

# The scalars refuse a value with a GraphQLError: graphql-core then reports its message as it
# is ('Variable '$day' has invalid value: "2026-13-01" is not a date: ...'). Any other
# exception it wraps in "Expected value of type 'Date', but encountered error '...'; found:
# ...", which says the value twice and quotes the reason in quotes.


def _shown(value: Any) -> str:
    """The value as the client wrote it in JSON ("2026-13-01", not Python's '2026-13-01')."""
    return json.dumps(value) if isinstance(value, str) else inspect(value)


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise GraphQLError(f'{_shown(value)} is not a date: send an ISO 8601 date such as "2023-03-01"')


def _parse_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            parsed = decimal.Decimal(value)
        except decimal.InvalidOperation:
            pass
        else:
            if parsed.is_finite():
                return parsed
    raise GraphQLError(f'{_shown(value)} is not a decimal: send a string such as "15000.0"')


DATE: ScalarDefinition = strawberry.scalar(
    name="Date",
    description='ISO 8601 calendar date: "2023-03-01"',
    serialize=dt.date.isoformat,
    parse_value=_parse_date,
)

DECIMAL: ScalarDefinition = strawberry.scalar(
    name="Decimal",
    description='Exact decimal, serialized as a string: "15000.0", never a float',
    serialize=str,  # str(Decimal) keeps every digit and never uses a float
    parse_value=_parse_decimal,
)

SCALAR_OVERRIDES: dict[object, Any] = {dt.date: DATE, decimal.Decimal: DECIMAL}
