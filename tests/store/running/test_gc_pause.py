"""The collector is paused inside `collection_paused()` and runs again when the last overlapping
pause ends, whatever happens inside, and only if it ran before."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.running.gc_pause import PAUSE_FROM_ROWS, collection_paused, paused_for


@pytest.fixture(autouse=True)
def collector_enabled() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_running_after() -> None:
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_only_for_many_rows() -> None:
    with paused_for(PAUSE_FROM_ROWS - 1):
        assert gc.isenabled()
    with paused_for(PAUSE_FROM_ROWS):
        assert not gc.isenabled()
    assert gc.isenabled()


def test_runs_again_after_an_exception() -> None:
    with pytest.raises(ValueError, match="inside"), collection_paused():
        raise ValueError("inside")
    assert gc.isenabled()


def test_stays_off_when_it_was_off() -> None:
    gc.disable()
    with collection_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_pauses_end_with_the_outer_one() -> None:
    with collection_paused():
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_end_with_the_last() -> None:
    """Thread A pauses, B pauses, A ends: B's conversion is still paused until B ends."""
    a_paused, b_paused, a_ended = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collection_paused():
            a_paused.set()
            b_paused.wait(5)
        a_ended.set()

    def second() -> None:
        a_paused.wait(5)
        with collection_paused():
            b_paused.set()
            a_ended.wait(5)
            seen["inside B after A ended"] = gc.isenabled()
        seen["after both"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"inside B after A ended": False, "after both": True}


# Run in a fresh interpreter: the pauses' count is the process's, and a read a test before
# left running in a worker thread (a cancelled request's) would hold a pause of its own.
_OVERLAPPING_PAUSES = """
import gc, itertools
from store.running.gc_pause import collection_paused

runs = []


def counted(phase, info):
    if phase == "start":
        runs.append(info["generation"])


gc.callbacks.append(counted)

class Cycle:
    def __init__(self):
        self.itself = self

pauses = [collection_paused() for _ in range(200)]
pauses[0].__enter__()
runs.clear()  # (the collector may have run before, while the pauses were made)
for earlier, later in itertools.pairwise(pauses):
    later.__enter__()
    earlier.__exit__(None, None, None)
    for _ in range(100):  # what the event loop's thread makes meanwhile
        Cycle()
ran_while_reading = len(runs)
pauses[-1].__exit__(None, None, None)
print(ran_while_reading, gc.isenabled())
"""


def test_pauses_overlapping_one_after_another_let_the_collector_run() -> None:
    """Reads in worker threads that overlap without end (one begins before the other ends,
    again and again, as under steady load) each pause the collector: joined into one stretch
    they kept it off for good, and the cycles the event loop's thread made meanwhile were
    never collected. A stretch takes a bounded number of pauses; past it, reads run unpaused
    until the collector has run again."""
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", _OVERLAPPING_PAUSES],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=120,
    )
    ran_while_reading, enabled = done.stdout.split()
    assert int(ran_while_reading) > 0
    assert enabled == "True"
