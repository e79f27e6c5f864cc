"""The request's deadline (schema/request_deadline.py) behaves as `asyncio.timeout` does for
the way a request uses it."""

from __future__ import annotations

import asyncio

import pytest

from schema.request_deadline import RequestDeadline


async def test_a_body_that_runs_too_long_raises_timeout_error() -> None:
    with pytest.raises(TimeoutError), RequestDeadline(0.01):
        await asyncio.sleep(5)
    task = asyncio.current_task()
    assert task is not None
    assert task.cancelling() == 0  # the timer's cancellation is undone


async def test_a_body_in_time_is_left_alone_and_its_timer_goes() -> None:
    deadline = RequestDeadline(0.05)
    with deadline:
        await asyncio.sleep(0)
    await asyncio.sleep(0.1)  # past the deadline: nothing fires
    task = asyncio.current_task()
    assert task is not None
    assert not task.cancelling()


async def test_an_error_of_the_body_passes_through() -> None:
    async def body() -> None:
        with RequestDeadline(5):
            await asyncio.sleep(0)
            raise ValueError("mine")

    with pytest.raises(ValueError, match="mine"):
        await body()


async def test_a_cancellation_from_outside_stays_a_cancellation() -> None:
    entered = asyncio.Event()

    async def request() -> None:
        with RequestDeadline(5):
            entered.set()
            await asyncio.sleep(5)

    task = asyncio.ensure_future(request())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_cancellation_from_outside_after_the_deadline_stays_a_cancellation() -> None:
    """Both came: the other canceller must see its cancellation, as with asyncio.timeout."""

    async def request() -> None:
        with RequestDeadline(0.01):
            try:
                await asyncio.sleep(5)
            finally:
                asyncio.current_task().cancel()  # type: ignore[union-attr]
                await asyncio.sleep(0)

    with pytest.raises(asyncio.CancelledError):
        await asyncio.ensure_future(request())


async def test_the_same_outcomes_as_asyncio_timeout() -> None:
    async def run(limit: object, seconds: float) -> str:
        try:
            if limit is RequestDeadline:
                with RequestDeadline(0.02):
                    await asyncio.sleep(seconds)
            else:
                async with asyncio.timeout(0.02):
                    await asyncio.sleep(seconds)
        except TimeoutError:
            return "timeout"
        return "done"

    for seconds in (0, 0.001, 1):
        assert await run(RequestDeadline, seconds) == await run(asyncio.timeout, seconds)
