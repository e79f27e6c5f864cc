"""Which GET of /graphql asks for GraphiQL's page: the one request a browser makes without a key.

A browser opening /graphql cannot send `Authorization`, so that request is served without a key
(the page holds no data; the queries it sends carry one). Every other request, whatever its
method, must present a valid key before anything looks at it. The rule is written once and
used by the key check (server/auth.py), our page (server/pages/graphiql.py) and the view
(server/app.py), so that a request is either the page for all three or for none of them: a
GET that carries any GraphQL parameter (`query`, `extensions`, `variables`, `operationName`)
is never the page, and is refused by the view after the key check ("not run by GET")."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import parse_qsl

from starlette.types import Scope

# The parameters of a GraphQL request by GET (GraphQL over HTTP).
GRAPHQL_PARAMETERS = frozenset({"query", "extensions", "variables", "operationName"})


def asks_for_page(method: str, parameters: Collection[str], accept: str) -> bool:
    """Whether a request is a browser's GET of the page: no GraphQL parameter, and HTML
    accepted (Strawberry's own test, `should_render_graphql_ide`, less those parameters)."""
    return (
        method == "GET"
        and GRAPHQL_PARAMETERS.isdisjoint(parameters)
        and ("text/html" in accept or "*/*" in accept)
    )


def scope_asks_for_page(scope: Scope) -> bool:
    """`asks_for_page` of an ASGI request, read from its scope without building a Request."""
    if scope["method"] != "GET":
        return False
    accept = ""
    for name, value in scope["headers"]:
        if name == b"accept":
            accept = value.decode("latin-1")
            break
    query_string: bytes = scope.get("query_string", b"")
    parameters = {
        name for name, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    }
    return asks_for_page("GET", parameters, accept)
