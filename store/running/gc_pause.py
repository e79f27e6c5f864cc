"""The cyclic garbage collector paused while a read turns many rows into records.

A read of 120,000 metric rows allocates about half a million tuples and lists in one go.
CPython's collector runs on allocation counts: as these objects survive, it traverses them
again at every generation, and once they outnumber the older objects by a quarter it runs full
collections over the whole heap. In such a read that was about a quarter of its time
(docs/performance.md has the figures). None of these objects can be part of a cycle (tuples
of strings, decimals and dates, and lists of them), so those traversals can find nothing;
paused for the conversion, the collector traverses them once, at its next run after the pause.

A read of a few rows gains nothing from a pause (the collector's next run finds a few dozen
new objects either way) and would pay for one (a lock and two toggles of the collector, three
times a read): reads pause from `PAUSE_FROM_ROWS` rows on.

Only synchronous stretches are paused: nothing awaits inside one, so a pause lasts as long as
the conversion and no longer. Reads in several threads may overlap: the pauses are counted,
and the collector runs again when the last one ends, and only if it ran when the first began."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

# Reads of fewer rows run with the collector as it is: as many as a read run on the event
# loop's thread returns at most (thread_reads.INLINE_ROWS), a little more.
PAUSE_FROM_ROWS = 256

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def paused_for(rows: int) -> contextlib.AbstractContextManager[None]:
    """`collection_paused()` for work over `rows` rows of at least PAUSE_FROM_ROWS; below, the
    pause's lock and toggles would cost more than the collections it spares."""
    return collection_paused() if rows >= PAUSE_FROM_ROWS else contextlib.nullcontext()
