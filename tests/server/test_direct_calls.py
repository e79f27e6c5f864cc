"""An ASGI app held as its bound `__call__` (server/direct_calls.py) is the same app."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from server.direct_calls import direct


class _App:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls.append(scope)


class _Inherited(_App):
    pass


async def _function(scope: Any, receive: Any, send: Any) -> None:
    return None


def test_an_instance_is_held_as_its_bound_call_which_calls_it() -> None:
    for app in (_App(), _Inherited()):
        held = direct(app)
        assert held is not app
        assert held.__self__ is app  # type: ignore[attr-defined]
        asyncio.run(held({"n": 1}, None, None))  # type: ignore[arg-type]
        assert app.calls == [{"n": 1}]


def test_functions_methods_and_other_callables_are_kept_as_they_are() -> None:
    app = _App()
    partial = functools.partial(_function)
    assert direct(_function) is _function
    bound = direct(app)
    assert direct(bound) is bound
    assert direct(partial) is partial
