"""Cross-origin requests (CORS) from the pages of PROFILING_CORS_ORIGINS, by Starlette's
CORSMiddleware.

None by default: a browser then keeps every page of another origin from reading the API's
answers, the right default on a closed network where the frontend is served from the API's own
origin (or from a proxy in front of both). An origin listed may POST queries with the API key
in `Authorization` (a header set by the page's script, not a cookie: no credentials mode), may
read `Retry-After` of a 429, and a browser keeps the answer to its preflight for two hours
(Chromium's cap), so a page does not pay an OPTIONS round trip before every query. A preflight
from an origin not listed is refused (400), and answers to it carry no
Access-Control-Allow-Origin."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

PREFLIGHT_MAX_AGE = 2 * 60 * 60
ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = ("Authorization", "Content-Type")
EXPOSED_HEADERS = ("Retry-After",)


def cors_middleware(origins: tuple[str, ...]) -> list[Middleware]:
    """The middleware that answers the origins given (none: no middleware at all)."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            max_age=PREFLIGHT_MAX_AGE,
        )
    ]
