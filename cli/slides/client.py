"""GraphQL over httpx for the deck: the same client whether the app runs in this process or
behind a URL, so that the deck sees exactly what an external client of the API sees."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.translatable import N_
from settings import Settings

# What the deck names as its source when it reads the local database (in its own language).
LOCAL_SOURCE = N_("the local database")
ENDPOINT = "/graphql"
# A deck sends a handful of small queries; a server that takes longer is not answering.
TIMEOUT_SECONDS = 60.0


class DeckError(Exception):
    """Why no deck can be built, in one line for the command's stderr."""


@dataclass(frozen=True, slots=True)
class FieldError:
    message: str
    code: str | None
    path: tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    data: dict[str, Any] | None
    errors: tuple[FieldError, ...]

    def errors_under(self, *path: str | int) -> list[FieldError]:
        """The errors at `path` or below it."""
        return [error for error in self.errors if error.path[: len(path)] == path]


def _errors(body: Mapping[str, Any]) -> tuple[FieldError, ...]:
    found = []
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            continue
        extensions = error.get("extensions") or {}
        code = extensions.get("code") if isinstance(extensions, dict) else None
        found.append(
            FieldError(
                message=str(error.get("message", "")),
                code=str(code) if code is not None else None,
                path=tuple(error.get("path") or ()),
            )
        )
    return tuple(found)


class GraphQLClient:
    """Posts queries to one endpoint; transport and HTTP failures become `DeckError`."""

    def __init__(self, http: httpx.AsyncClient, *, endpoint: str, source: str) -> None:
        self.http = http
        self.endpoint = endpoint
        # Where the numbers come from, for the deck's method slide and for error messages.
        self.source = source

    async def query(self, query: str, variables: Mapping[str, Any]) -> Answer:
        try:
            response = await self.http.post(
                self.endpoint, json={"query": query, "variables": dict(variables)}
            )
        except httpx.HTTPError as exc:
            raise DeckError(f"cannot reach {self.source}: {exc or type(exc).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise DeckError(
                f"{self.source} answered HTTP {response.status_code} without a GraphQL answer"
            )
        errors = _errors(body)
        if response.status_code != 200:
            reason = errors[0].message if errors else response.reason_phrase
            if response.status_code == 401:
                raise DeckError(f"{self.source} refused the key: {reason}")
            raise DeckError(f"{self.source} answered HTTP {response.status_code}: {reason}")
        data = body.get("data")
        return Answer(data=data if isinstance(data, dict) else None, errors=errors)


def graphql_url(url: str) -> str:
    """The GraphQL endpoint of a server given by its base URL or by the endpoint itself."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DeckError(f"--url must be an http(s) URL such as http://host:8000, got {url!r}")
    path = parts.path.rstrip("/")
    if not path.endswith(ENDPOINT):
        path += ENDPOINT
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


@contextlib.asynccontextmanager
async def in_process_client(
    *, settings: Settings, engine: AsyncEngine, account_id: str | None
) -> AsyncIterator[GraphQLClient]:
    """The app over `engine`, in this process, reached through httpx like any server. With an
    `account_id` every request sees what that account's own key would see (its private sector
    figures, nothing of other accounts): a deck handed to a customer tells it nothing its key
    could not. With None every request is internal (as `serve --no-auth`), exact figures
    included."""
    from server.app import create_app
    from store.keys import account_scope
    from store.scope import INTERNAL

    scope = INTERNAL if account_id is None else await account_scope(engine, account_id=account_id)
    # This app answers only the httpx client below, never a browser: cross-origin headers
    # mean nothing to it. Without them the server's own PROFILING_CORS_ORIGINS (`*` is
    # ordinary with keys) does not meet the refusal of `*` that is meant for an app serving
    # browsers without keys (`serve --no-auth`).
    in_process = replace(settings, cors_origins=())
    app = create_app(settings=in_process, engine=engine, require_keys=False, keyless_scope=scope)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://profiling.local", timeout=TIMEOUT_SECONDS
    ) as http:
        yield GraphQLClient(http, endpoint=ENDPOINT, source=LOCAL_SOURCE)


@contextlib.asynccontextmanager
async def remote_client(*, url: str, key: str | None) -> AsyncIterator[GraphQLClient]:
    """A server's API at `url`, with `Authorization: Bearer KEY` when a key is given."""
    endpoint = graphql_url(url)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with httpx.AsyncClient(headers=headers, timeout=TIMEOUT_SECONDS) as http:
        yield GraphQLClient(http, endpoint=endpoint, source=endpoint)
