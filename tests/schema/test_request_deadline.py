"""The request's deadline (schema/request_deadline.py) behaves as `asyncio.timeout` does for
the way a request uses it."""

from __future__ import annotations

import asyncio

import pytest

from schema.request_deadline import RequestDeadline, fire_due


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
    # A limit of 0.2 s, not less: at a load average of 10 and more a sleep of 1 ms was woken
    # after 20 ms often enough (on either side) to fail a limit of 0.02 s now and then.
    async def run(limit: object, seconds: float) -> str:
        try:
            if limit is RequestDeadline:
                with RequestDeadline(0.2):
                    await asyncio.sleep(seconds)
            else:
                async with asyncio.timeout(0.2):
                    await asyncio.sleep(seconds)
        except TimeoutError:
            return "timeout"
        return "done"

    for seconds in (0, 0.001, 1):
        assert await run(RequestDeadline, seconds) == await run(asyncio.timeout, seconds)


async def test_requests_that_overlap_each_time_out_at_their_own_deadline() -> None:
    """Started one after another, ended in any order: each request in time is left alone,
    each one too long stopped, never before its own limit (the queue's timer serves them all)."""
    limit = 0.3  # far above what a loaded machine's loop takes to wake a short sleep
    loop = asyncio.get_running_loop()

    async def request(seconds: float) -> tuple[str, float]:
        started = loop.time()
        try:
            with RequestDeadline(limit):
                await asyncio.sleep(seconds)
        except TimeoutError:
            return "timeout", loop.time() - started
        return "done", loop.time() - started

    lengths = [0, 2, 0.01, 0, 2, 0, 0.02, 2, 0, 0]
    tasks = []
    for seconds in lengths:
        tasks.append(asyncio.ensure_future(request(seconds)))
        await asyncio.sleep(0.005)
    outcomes = await asyncio.gather(*tasks)
    for seconds, (outcome, took) in zip(lengths, outcomes, strict=True):
        assert outcome == ("timeout" if seconds == 2 else "done")
        if outcome == "timeout":
            assert limit - 0.002 <= took < 1.8


async def test_requests_in_a_row_arm_the_loop_timer_about_once_a_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cost it takes off a request: no loop timer of its own."""
    loop = asyncio.get_running_loop()
    armed = []
    call_at = loop.call_at

    def counted(when: float, callback: object, *args: object) -> asyncio.TimerHandle:
        armed.append(when)
        return call_at(when, callback, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(loop, "call_at", counted)
    for _ in range(1000):
        with RequestDeadline(30):
            await asyncio.sleep(0)
    assert len(armed) <= 1


async def test_limits_of_their_own_in_one_loop() -> None:
    async def run(limit: float, seconds: float) -> str:
        try:
            with RequestDeadline(limit):
                await asyncio.sleep(seconds)
        except TimeoutError:
            return "timeout"
        return "done"

    outcomes = await asyncio.gather(run(5, 0.05), run(0.01, 5), run(0.2, 0), run(5, 0))
    assert list(outcomes) == ["done", "timeout", "done", "done"]


def test_a_new_loop_after_one_that_ended_with_its_timer_armed() -> None:
    """The timer of a loop that is gone serves nothing: the next loop arms its own."""

    async def timed_out(seconds: float) -> bool:
        try:
            with RequestDeadline(0.2):
                await asyncio.sleep(seconds)
        except TimeoutError:
            return True
        return False

    assert asyncio.run(timed_out(0)) is False  # leaves its loop with a timer armed
    assert asyncio.run(timed_out(5)) is True
    assert asyncio.run(timed_out(0)) is False


async def test_a_body_that_awaited_nothing_past_its_deadline_is_stopped_by_fire_due() -> None:
    loop = asyncio.get_running_loop()
    fired: list[bool] = []

    async def body() -> None:
        with RequestDeadline(0.001):
            end = loop.time() + 0.005
            while loop.time() < end:  # past the deadline without an await: no timer ran
                pass
            fired.append(fire_due(loop))
            await asyncio.sleep(0)

    with pytest.raises(TimeoutError):
        await body()
    assert fired == [True]
    task = asyncio.current_task()
    assert task is not None
    assert task.cancelling() == 0


async def test_fire_due_leaves_a_body_in_time_alone() -> None:
    loop = asyncio.get_running_loop()
    with RequestDeadline(5):
        assert not fire_due(loop)
        await asyncio.sleep(0)
    task = asyncio.current_task()
    assert task is not None
    assert not task.cancelling()


async def test_a_deadline_counts_from_when_its_request_started() -> None:
    loop = asyncio.get_running_loop()
    started = loop.time() - 0.95  # a request that ran before its body, awaiting nothing
    with pytest.raises(TimeoutError), RequestDeadline(1.0, started=started):
        await asyncio.sleep(5)
    assert loop.time() - started < 2.0  # its limit from its start, not from entering
