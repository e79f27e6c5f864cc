"""Who a request's answers are made for: internal keys, told figures measured across the whole
store, or every other key, told only what does not depend on data it cannot see
(schema/errors.py's refusals); and the list sizes its query is estimated with, measured within
what its key may see (schema/limits.py, schema/scoped_sizes.py)."""

from __future__ import annotations

from graphql import GraphQLSchema

from resolvers.context import RequestContext
from schema.limits import SIZES, CurrentSizes, ListSizes, current_sizes
from store.scope import INTERNAL, Role


def told_exact(context: object) -> bool:
    """Whether the request's key is internal (a request without a context, as a schema run by
    itself, is the server's own and counts as internal)."""
    return not isinstance(context, RequestContext) or context.scope.role is Role.INTERNAL


def sizes_told(schema: GraphQLSchema, context: object) -> ListSizes:
    """The list sizes the request's query is estimated with: those of its key's scope (a
    request without a context is the server's own: the store's)."""
    scope = context.scope if isinstance(context, RequestContext) else INTERNAL
    current = schema.extensions.get(SIZES)  # current_sizes, without a call on every request
    if not isinstance(current, CurrentSizes):
        current = current_sizes(schema)
    if scope.role is _INTERNAL:  # `for_scope`'s first case, without its call (every request)
        return current.lists
    return current.for_scope(scope)


_INTERNAL = Role.INTERNAL
