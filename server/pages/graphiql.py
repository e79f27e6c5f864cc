"""Our GraphiQL page at /graphql, in front of Strawberry's view.

Strawberry's own page (its `graphql_ide`) loads React and GraphiQL from a CDN: on a closed
network it never gets past "Loading...". `GraphiQLPage` wraps the view and answers the requests
the view would answer with its page (a GET without GraphQL parameters that accepts HTML:
server/page_requests.py, which the view's own test follows too) with ours, whose every file the
package ships; everything else goes to the view. The view's `graphql_ide` stays the switch: with
PROFILING_GRAPHIQL=false it is None, the page is not served, and the view answers 404 as
before."""

from __future__ import annotations

from functools import cache
from typing import Any

from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from server.page_requests import scope_asks_for_page
from server.pages.headers import PAGE_HEADERS
from server.pages.templates import read, render

EXAMPLE_QUERY = "example.graphql"


@cache
def graphiql_html(*, keys_required: bool = True) -> str:
    """The page; where keys are required, it sends no query before a key is set."""
    return render(
        "graphiql.html",
        example_query=example_query(),
        keys_required="true" if keys_required else "false",
    )


def example_query() -> str:
    """The query the editor opens on (templates/example.graphql)."""
    return read(EXAMPLE_QUERY)


class GraphiQLPage:
    """An ASGI app: our GraphiQL page for browsers, the GraphQL view for everything else."""

    def __init__(self, view: GraphQL[Any, Any], *, keys_required: bool = True) -> None:
        self._view = view
        self._keys_required = keys_required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Only a GET can ask for the page: a POST, every query, goes straight to the view
        # without a request object made for it.
        if scope["type"] == "http" and self._view.graphql_ide and scope_asks_for_page(scope):
            page = graphiql_html(keys_required=self._keys_required)
            response = HTMLResponse(page, headers=PAGE_HEADERS)
            await response(scope, receive, send)
            return
        await self._view(scope, receive, send)
