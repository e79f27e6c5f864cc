"""Content-Type headers parsed once per distinct header, not once per request.

Strawberry's view parses every request's Content-Type with the standard library's email parser,
about 40 us for `application/json` (a twentieth of a small request's time in the server on the
reference machine: docs/performance.md). Clients send a handful of distinct headers, so the
answers are kept, bounded, by header text; each call still gets a dict of its own, and a header
the parser refuses raises as before (a refusal is not kept)."""

from __future__ import annotations

from functools import lru_cache

from strawberry.http.parse_content_type import parse_content_type

DISTINCT_HEADERS = 256


@lru_cache(maxsize=DISTINCT_HEADERS)
def _parsed(header: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    mime_type, parameters = parse_content_type(header)
    return mime_type, tuple(parameters.items())


def parse_content_type_once(header: str) -> tuple[str, dict[str, str]]:
    """What `strawberry.http.parse_content_type.parse_content_type` answers for `header`."""
    mime_type, parameters = _parsed(header)
    return mime_type, dict(parameters)
