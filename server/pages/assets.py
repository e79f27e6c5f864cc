"""The static files of our pages (`static/`, shipped in the package), served at /static/.

Pages link every file through `static_url`, which adds the file's content digest (`?v=`): a
request that carries the current digest is cached for a year (`immutable`), any other is
revalidated (`no-cache`, by ETag). Third-party builds also sit in folders named after their
pinned version (`vendor/graphiql-3.8.3/`, refreshed by `make assets`). Files are read once
per process, on first use, and text files are gzipped once for clients that accept it."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

STATIC = Path(__file__).resolve().parent / "static"
VENDOR_MANIFEST = "vendor/manifest.json"
YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"

_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_PLAIN = "text/plain; charset=utf-8"  # LICENSE files
_COMPRESS_FROM = 1024  # bytes: below this, gzip's header costs more than it saves


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    media_type: str
    digest: str  # of the content: the `v` of its URL and its ETag

    @property
    def compressible(self) -> bool:
        return not self.media_type.startswith("image/") or self.media_type == "image/svg+xml"


@cache
def _files() -> dict[str, Path]:
    """Every servable file by its path under static/ (a request can name nothing else)."""
    return {
        path.relative_to(STATIC).as_posix(): path
        for path in sorted(STATIC.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def asset(path: str) -> Asset | None:
    """The static file at `path`, or None. Only files are kept: a request may name any path
    (no key needed), and a cache of every path asked for would grow with each distinct one."""
    source = _files().get(path)
    return None if source is None else _read(source)


@cache
def _read(source: Path) -> Asset:
    media_type = _MEDIA_TYPES.get(source.suffix, _PLAIN if not source.suffix else None)
    body = source.read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:16]
    return Asset(body, media_type or "application/octet-stream", digest)


@cache
def _gzipped(path: str) -> bytes:
    found = asset(path)
    assert found is not None
    return gzip.compress(found.body, compresslevel=6, mtime=0)


def static_url(path: str) -> str:
    """The URL of a file under static/, relative to a page at the site's top level (`/`,
    `/graphql`), so that the pages also work under a path prefix."""
    found = asset(path)
    if found is None:
        raise LookupError(f"no static file {path!r} in {STATIC}")
    return f"static/{path}?v={found.digest}"


@cache
def vendor_manifest() -> dict[str, dict[str, object]]:
    found = asset(VENDOR_MANIFEST)
    if found is None:
        raise LookupError(f"no {VENDOR_MANIFEST} in {STATIC}: run `make assets`")
    manifest: dict[str, dict[str, object]] = json.loads(found.body)
    return manifest


def vendor_url(package: str, file: str) -> str:
    """The URL of a vendored file of an npm package, at the version `make assets` fetched."""
    return static_url(f"vendor/{vendor_manifest()[package]['folder']}/{file}")


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            name, _, value = params.partition("=")
            if name.strip().lower() != "q":
                return True
            try:
                return float(value) > 0
            except ValueError:
                return False
    return False


async def serve_static(request: Request) -> Response:
    path: str = request.path_params["path"]
    found = asset(path)
    if found is None:
        return Response("Not Found", status_code=404, media_type=_PLAIN)
    headers = {
        "ETag": f'"{found.digest}"',
        "Cache-Control": IMMUTABLE if request.query_params.get("v") == found.digest else "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if found.compressible:
        headers["Vary"] = "Accept-Encoding"
    if found.digest in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = found.body
    if (
        found.compressible
        and len(body) >= _COMPRESS_FROM
        and _accepts_gzip(request.headers.get("accept-encoding", ""))
    ):
        # Once per file and process, off the event loop (the GraphiQL build takes ~50 ms).
        body = await asyncio.to_thread(_gzipped, path)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=found.media_type, headers=headers)


ROUTE = Route("/static/{path:path}", serve_static, methods=["GET", "HEAD"])
