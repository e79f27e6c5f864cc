"""`GET /`: a page of links to the others, and `GET /graphql/schema.graphql`: the SDL."""

from __future__ import annotations

from functools import cache

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from schema.build import export_sdl
from server.pages.headers import PAGE_HEADERS
from server.pages.templates import Html, render

_GRAPHIQL_ON = Html(
    '<li><a href="graphql">GraphiQL</a>: write and run queries, with the schema\'s '
    "documentation beside them.</li>"
)
_GRAPHIQL_OFF = Html(
    "<li>GraphiQL is switched off on this server (<code>PROFILING_GRAPHIQL=false</code>).</li>"
)


@cache
def landing_html(*, graphiql: bool) -> str:
    return render("landing.html", graphiql_item=_GRAPHIQL_ON if graphiql else _GRAPHIQL_OFF)


@cache
def sdl() -> str:
    """The schema as `profiling export-schema` prints it, built once per process."""
    return export_sdl()


def landing_route(*, graphiql: bool) -> Route:
    async def landing(_request: Request) -> Response:
        return HTMLResponse(landing_html(graphiql=graphiql), headers=PAGE_HEADERS)

    return Route("/", landing, methods=["GET", "HEAD"])


async def schema_sdl(_request: Request) -> Response:
    return PlainTextResponse(
        sdl(),
        headers={
            "Cache-Control": "no-cache",
            "Content-Disposition": 'inline; filename="schema.graphql"',
            "X-Content-Type-Options": "nosniff",
        },
    )


SDL_ROUTE = Route("/graphql/schema.graphql", schema_sdl, methods=["GET", "HEAD"])
