"""`GET /dashboard`: the customer story, drawn in the browser from the public GraphQL API.

The page is a shell (templates/dashboard.html) and ES modules under static/dashboard/: it reads
nothing but what `POST /graphql` answers to the key typed into it, exactly as a frontend app
of a customer would, so it shows each role what that role may see and nothing more."""

from __future__ import annotations

from functools import cache

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from server.pages.headers import PAGE_HEADERS
from server.pages.templates import render


@cache
def dashboard_html(*, keys_required: bool = True) -> str:
    """The page; where keys are required, it sends no request before a key is set (a keyless
    one would only earn a 401, which the browser logs as an error)."""
    return render("dashboard.html", keys_required="true" if keys_required else "false")


def dashboard_route(*, keys_required: bool) -> Route:
    """`GET /dashboard`; `keys_required`: false under `serve --no-auth`."""

    async def dashboard(_request: Request) -> Response:
        return HTMLResponse(dashboard_html(keys_required=keys_required), headers=PAGE_HEADERS)

    return Route("/dashboard", dashboard, methods=["GET", "HEAD"])
