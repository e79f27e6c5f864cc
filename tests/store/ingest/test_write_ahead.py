"""One stage write in flight while the next block is read (store/ingest/write_ahead.py): the
writes run one at a time in their order, and what one raises is raised by the next wait."""

from __future__ import annotations

import asyncio

import pytest

from store.ingest.write_ahead import WriteAhead


async def test_writes_run_one_at_a_time_in_order() -> None:
    done: list[int] = []
    running: list[int] = []

    async def write(number: int) -> None:
        running.append(number)
        assert len(running) == 1
        await asyncio.sleep(0.001)
        running.remove(number)
        done.append(number)

    ahead = WriteAhead()
    for number in range(5):
        await ahead.start(write(number))
        # Under way, not done: the caller goes on meanwhile.
        assert running == [number]
    await ahead.wait()
    assert done == [0, 1, 2, 3, 4]


async def test_the_start_returns_once_the_write_says_it_is_under_way() -> None:
    sent = asyncio.Event()
    finish = asyncio.Event()

    async def write() -> None:
        await asyncio.sleep(0.001)
        sent.set()
        await finish.wait()

    async def under_way() -> None:
        await sent.wait()

    ahead = WriteAhead()
    await ahead.start(write(), under_way=under_way)
    assert sent.is_set()
    finish.set()
    await ahead.wait()


async def test_a_failed_write_raises_in_the_next_wait_and_settle_swallows_it() -> None:
    async def failing() -> None:
        await asyncio.sleep(0)
        raise RuntimeError("refused")

    ahead = WriteAhead()
    await ahead.start(failing())
    with pytest.raises(RuntimeError, match="refused"):
        await ahead.wait()
    await ahead.start(failing())
    with pytest.raises(RuntimeError, match="refused"):
        await ahead.start(failing())  # the next start waits for the previous write first
    await ahead.settle()  # the third write, started by nobody: nothing in flight
    await ahead.start(failing())
    await ahead.settle()
    await ahead.wait()  # nothing left in flight


async def test_a_load_cancelled_while_waiting_leaves_no_task_running() -> None:
    """The load is cancelled while `start` waits for the write to be under way: the task
    that waited for it ends with the call, and the write ends before the load does, whole
    (nothing of it is left running on the load's connection once the load is gone)."""
    written: list[int] = []
    started = asyncio.Event()
    never = asyncio.Event()

    async def write() -> None:
        started.set()
        for row in range(3):
            await asyncio.sleep(0)
            written.append(row)

    async def under_way() -> None:
        await never.wait()  # the data never reported sent: `start` waits

    async def load() -> None:
        ahead = WriteAhead()
        try:
            await ahead.start(write(), under_way=under_way)
        finally:
            await ahead.settle()

    task = asyncio.ensure_future(load())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert written == [0, 1, 2]
    assert asyncio.all_tasks() == {asyncio.current_task()}
