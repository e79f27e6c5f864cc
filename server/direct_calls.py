"""An ASGI app held as its bound `__call__`: called on every request by the layer in front of it.

Calling an instance goes through its type's call slot, which looks `__call__` up and binds it
on every call: about 600 instructions more than calling the bound method made once
(docs/performance.md, "The layers between uvicorn and the GraphQL POST path"). The layers on
the path of POST /graphql keep the next app this way; the app called is the same."""

from __future__ import annotations

import inspect
from types import MethodType

from starlette.types import ASGIApp


def direct(app: ASGIApp) -> ASGIApp:
    """`app`'s bound `__call__` when `app` is an instance of a class that defines one in Python;
    any other app (a function, a bound method) as it is."""
    if inspect.isfunction(app) or inspect.ismethod(app):
        return app
    call = inspect.getattr_static(type(app), "__call__", None)
    if inspect.isfunction(call):
        bound: ASGIApp = MethodType(call, app)
        return bound
    return app
