"""The origins of PROFILING_CORS_ORIGINS: the web pages on other hosts that may call the API.

A browser names a page's origin as `scheme://host[:port]`, lowercase, without the port its
scheme implies and without a path; an origin is matched exactly, so each one given is written
that way here (`HTTPS://App.Example.com:443/` is `https://app.example.com`) and anything that
cannot be an origin is refused with its reason."""

from __future__ import annotations

from urllib.parse import urlsplit

ANY_ORIGIN = "*"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origins(given: str) -> tuple[str, ...]:
    """The origins of a comma-separated list, each as a browser writes it, in the order given
    and without repeats; `*` alone allows any origin. ValueError says what is wrong."""
    origins: list[str] = []
    for part in given.split(","):
        part = part.strip()
        if not part:
            continue
        origin = ANY_ORIGIN if part == ANY_ORIGIN else _origin(part)
        if origin not in origins:
            origins.append(origin)
    if ANY_ORIGIN in origins and len(origins) > 1:
        raise ValueError("* allows every origin: give it alone or list the origins")
    return tuple(origins)


def keyless_refusal(origins: tuple[str, ...]) -> str | None:
    """Why these origins cannot be served when requests need no key (`serve --no-auth`).

    --no-auth is for loopback so that only the user's own machine reads without a key; but the
    browser runs on that machine, so `*` would let any page it opens, from any site, read
    everything. Origins listed one by one are the user's own pages, trusted by name."""
    if ANY_ORIGIN in origins:
        return (
            "PROFILING_CORS_ORIGINS=* is refused with --no-auth: any web page open in a browser "
            "on this machine could read every account without a key; list your pages' origins"
        )
    return None


def _origin(given: str) -> str:
    expected = "an origin such as https://app.example.com (scheme, host and port only)"
    split = urlsplit(given)
    scheme = split.scheme.lower()
    try:
        port = split.port
    except ValueError:
        raise ValueError(f"{given!r} has a bad port: give {expected}") from None
    if scheme not in _DEFAULT_PORTS or not split.hostname:
        raise ValueError(f"{given!r} is not {expected}")
    if split.path not in ("", "/") or split.query or split.fragment or split.username:
        raise ValueError(f"{given!r} has more than an origin: give {expected}")
    host = split.hostname.lower()
    if ":" in host:  # an IPv6 address is written in brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"
