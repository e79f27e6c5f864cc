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
def dashboard_html() -> str:
    return render("dashboard.html")


async def dashboard(_request: Request) -> Response:
    return HTMLResponse(dashboard_html(), headers=PAGE_HEADERS)


DASHBOARD_ROUTE = Route("/dashboard", dashboard, methods=["GET", "HEAD"])
