"""Bearer API keys in front of /graphql and /metrics: a missing or unknown key gets HTTP 401, a
valid one gives the request its scope (see store.scope), which every store read then applies.
The key is checked before anything else looks at the request, whatever its method: only a
browser's GET of GraphiQL's page needs none (server/page_requests.py).

/metrics takes internal keys only: a valid key of another role gets HTTP 403 saying so (its
holder needs another key, not a corrected one), a missing or unknown key the 401 above."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from resolvers.error_codes import ErrorCode
from server.http_errors import error_response
from server.page_requests import scope_asks_for_page
from store.keys import Credential, KeyCheck
from store.scope import INTERNAL, Role
from store.scope import Scope as ReadScope

# GraphiQL's page holds no data; the queries it sends carry a key like any other client's.
_PAGE_ONLY = ReadScope(Role.PUBLIC)


def request_scope(connection: HTTPConnection) -> ReadScope:
    scope: ReadScope = connection.state.read_scope
    return scope


def request_key_id(connection: HTTPConnection) -> str | None:
    """The id of the API key the request presented; None without keys (`--no-auth`)."""
    key_id: str | None = getattr(connection.state, "api_key_id", None)
    return key_id


def _authorization(scope: Scope) -> str:
    """What `Request(scope).headers.get("authorization", "")` answers, without building them."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            decoded: str = value.decode("latin-1")
            return decoded
    return ""


class BearerKeys:
    """A request needs a valid key, of one of `roles` when given; with `page_without_key` a
    browser's GET of GraphiQL's page needs none (the queries it sends carry a key). A request
    that sends a key has it checked, the page's included: a mistyped key is never passed over.

    Without `require_keys` (`serve --no-auth`, loopback only) a request that sends no key gets
    `keyless_scope` (internal unless told otherwise: a customer's deck built in process reads
    with that account's scope), and one that sends a key is checked as above: someone trying an
    account's or a public key on the demo sees what that key would see, and a mistyped key is
    refused instead of silently answered with everything."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        engine: AsyncEngine,
        require_keys: bool,
        keyless_scope: ReadScope = INTERNAL,
        roles: Collection[Role] | None = None,
        page_without_key: bool = True,
    ) -> None:
        self._app = app
        # Made once: its reader, and on SQLite the kept connection the lookup reads on.
        self._keys = KeyCheck(engine)
        self._require_keys = require_keys
        self._keyless_scope = keyless_scope
        self._roles = None if roles is None else frozenset(roles)
        self._page_without_key = page_without_key
        # A request that sends no key is passed on as it is: no key required, the keyless
        # scope admitted.
        self._keyless_hands_on = not require_keys and self._admits(keyless_scope)

    @property
    def handed_on_without_key(self) -> ReadScope | None:
        """The scope a request that sends no key is passed on with, as it is (no key required,
        the keyless scope admitted); None when such a request is not simply passed on."""
        return self._keyless_scope if self._keyless_hands_on else None

    def _admits(self, scope: ReadScope) -> bool:
        return self._roles is None or scope.role in self._roles

    def hands_on(self, scope: Scope) -> bool:
        """Whether `__call__` would pass the request on without a key to check: no key
        required and none sent (server/screened.py). The request's scope is put in its state
        then, as `__call__` puts it."""
        # Written out (the settings' part decided once, `_authorization`'s loop inline): it
        # runs on every request, where each call costs as much as its work (docs/performance.md).
        if not self._keyless_hands_on or scope["type"] != "http":
            return False
        for name, value in scope["headers"]:
            if name == b"authorization":
                if value:  # the first one decides, as in `_authorization`
                    return False
                break
        state = scope.get("state")
        if state is None:
            scope["state"] = {"read_scope": self._keyless_scope}
        else:
            state["read_scope"] = self._keyless_scope
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        header = _authorization(scope)
        if not self._require_keys and not header and self._admits(self._keyless_scope):
            state["read_scope"] = self._keyless_scope
            await self._app(scope, receive, send)
            return
        if not header and self._page_without_key and scope_asks_for_page(scope):
            state["read_scope"] = _PAGE_ONLY
            await self._app(scope, receive, send)
            return
        found = await self._valid_credential(header)
        if found is None:
            await refuse_key(scope, receive, send)
            return
        if not self._admits(found.scope):
            await self._refuse_role(found.scope.role, scope, receive, send)
            return
        state["read_scope"] = found.scope
        state["api_key_id"] = found.key_id
        await self._app(scope, receive, send)

    async def credential(self, header: str) -> Credential | None:
        """The credential of the key that an Authorization header `header` (not empty)
        presents, if it is a Bearer key that is valid, unrevoked and of a role this check
        admits; None for anything else. What server/plain_posts.py asks for its own requests
        (where every role is admitted, so None is always answered 401: `refuse_key`)."""
        found = await self._valid_credential(header)
        if found is None or not self._admits(found.scope):
            return None
        return found

    async def _valid_credential(self, header: str) -> Credential | None:
        """The credential of a valid, unrevoked Bearer key in `header`, whatever its role."""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = token.strip()
        if not token:
            return None
        return await self._keys.credential(token)

    async def _refuse_role(self, role: Role, scope: Scope, receive: Receive, send: Send) -> None:
        """The answer to a valid key of a role this check does not admit: 403, naming the
        roles that are (`roles` is set whenever a role is refused)."""
        needed = " or ".join(sorted(self._roles or ()))
        response = error_response(
            f"Refused: only {needed} keys get {scope['path']}: the key sent is a valid {role} key",
            code=ErrorCode.FORBIDDEN,
        )
        await response(scope, receive, send)


async def refuse_key(scope: Scope, receive: Receive, send: Send) -> None:
    """The answer to a request without a valid key: 401, saying what to send."""
    response = error_response(
        "Send a valid API key: Authorization: Bearer <key>",
        status=401,
        code=ErrorCode.UNAUTHENTICATED,
        headers={"WWW-Authenticate": 'Bearer realm="profiling"'},
    )
    await response(scope, receive, send)
