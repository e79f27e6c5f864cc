"""Proxy headers (X-Forwarded-Proto, X-Forwarded-For) read by the app, where they are needed.

Behind a proxy, the scheme and the client's address a request came with are in these headers;
uvicorn's ProxyHeadersMiddleware puts them in the request's scope when the request comes from a
trusted address (FORWARDED_ALLOW_IPS, 127.0.0.1 unless set). What reads them: URLs built from
the request (Starlette's redirect of /graphql/ to /graphql, the pages) and the access log's
client address. The answer to a POST of /graphql reads neither, so with the access log off
(PROFILING_ACCESS_LOG_SAMPLE=0) its requests need not pay the middleware: about 6,900
instructions a request, 1.4% of the small query's (docs/performance.md). `profiling serve`
therefore runs uvicorn without it and the app applies the same middleware itself
(server/graphql_first.py): to every request, or to every request but the fast path's POSTs
when the access log is off."""

from __future__ import annotations

import os

from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

# uvicorn's own variable and default (uvicorn.config.Config).
FORWARDED_ALLOW_IPS_VARIABLE = "FORWARDED_ALLOW_IPS"
DEFAULT_FORWARDED_ALLOW_IPS = "127.0.0.1"


def forwarded_allow_ips() -> str:
    """The addresses whose proxy headers are trusted, as uvicorn reads them."""
    return os.environ.get(FORWARDED_ALLOW_IPS_VARIABLE, DEFAULT_FORWARDED_ALLOW_IPS)


def forwarded(app: ASGIApp, allow_ips: str | None) -> ASGIApp:
    """`app` behind uvicorn's ProxyHeadersMiddleware trusting `allow_ips`; None: `app` itself."""
    if allow_ips is None:
        return app
    # uvicorn types the scope and messages more narrowly than Starlette: the same dicts.
    middleware: ASGIApp = ProxyHeadersMiddleware(app, trusted_hosts=allow_ips)  # type: ignore[arg-type,assignment]
    return middleware
