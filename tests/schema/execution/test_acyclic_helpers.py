"""The resolver helpers that hold their executor weakly: they are the executor's own while it
lives, and still gather and settle work once it is gone."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Sequence
from typing import Any, cast

import pytest
from graphql.execution import Executor

from schema.execution.acyclic_helpers import acyclic_helpers


class _Executor:
    def __init__(self) -> None:
        self.gathered: list[Sequence[Any]] = []
        self.tracked: list[Sequence[Any]] = []

    def gather_async_work(self, values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        self.gathered.append(values)
        return asyncio.gather(*values)

    def track_async_work(self, values: Sequence[Any]) -> None:
        self.tracked.append(values)


async def _value(value: int) -> int:
    return value


async def _failure() -> None:
    raise ValueError("settled, not lost")


async def test_the_helpers_are_the_executors_while_it_lives() -> None:
    executor = _Executor()
    helpers = acyclic_helpers(cast(Executor[Any], executor))
    assert await helpers.gather([_value(1), _value(2)]) == [1, 2]
    helpers.track([3])
    assert len(executor.gathered) == 1
    assert executor.tracked == [[3]]


async def test_the_helpers_hold_no_reference_to_their_executor() -> None:
    executor = _Executor()
    helpers = acyclic_helpers(cast(Executor[Any], executor))
    executor.helpers = helpers  # type: ignore[attr-defined]  # as graphql-core keeps them
    del executor
    gc.disable()  # freed by its reference count alone, not by a collection
    try:
        assert all(not isinstance(item, _Executor) for item in gc.get_objects())
    finally:
        gc.enable()


@pytest.mark.filterwarnings("error")
async def test_once_the_executor_is_gone_work_is_still_gathered_and_settled() -> None:
    helpers = acyclic_helpers(cast(Executor[Any], _Executor()))
    assert await helpers.gather([_value(1), _value(2)]) == [1, 2]
    with pytest.raises(ValueError, match="settled"):
        await helpers.gather([_value(1), _failure()])
    failing = asyncio.ensure_future(_failure())
    helpers.track([failing, 4])
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert failing.done()
    assert isinstance(failing.exception(), ValueError)
