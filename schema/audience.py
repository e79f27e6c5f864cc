"""Which of two audiences a request's answers are made for: internal keys, told figures measured
across the whole store, or every other key, told only what does not depend on data it cannot
see (schema/limits.py's estimates, schema/errors.py's refusals)."""

from __future__ import annotations

from resolvers.context import RequestContext
from store.scope import Role


def told_exact(context: object) -> bool:
    """Whether the request's key is internal (a request without a context, as a schema run by
    itself, is the server's own and counts as internal)."""
    return not isinstance(context, RequestContext) or context.scope.role is Role.INTERNAL
