"""Our pages: GraphiQL at /graphql, the landing page at /, the dashboard at /dashboard, the SDL
at /graphql/schema.graphql, and the files they load at /static/, all shipped in this package
(`static/`, `templates/`; third-party builds vendored from npm by `make assets`): no page of
ours loads anything from another host."""

from __future__ import annotations

from starlette.routing import BaseRoute

from server.pages import assets
from server.pages.dashboard import dashboard_route
from server.pages.graphiql import GraphiQLPage
from server.pages.landing import SDL_ROUTE, landing_route

__all__ = ["GraphiQLPage", "page_routes"]


def page_routes(*, graphiql: bool, keys_required: bool = True) -> list[BaseRoute]:
    """The routes of `/`, `/dashboard`, `/graphql/schema.graphql` and `/static/...`; `graphiql`
    says whether the landing page links GraphiQL (PROFILING_GRAPHIQL), `keys_required` whether
    requests need a key (false under `serve --no-auth`)."""
    return [
        landing_route(graphiql=graphiql),
        dashboard_route(keys_required=keys_required),
        SDL_ROUTE,
        assets.ROUTE,
    ]
