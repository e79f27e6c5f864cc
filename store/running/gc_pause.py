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
and the collector runs again when the last one ends, and only if it ran when the first began.
Under steady load such reads overlap one after another without end (a worker thread's read
pauses it whole, thread_reads.py): joined into one stretch, they kept the collector off for
good, and the cycles the event loop's thread made meanwhile piled up uncollected. So a stretch
takes at most `JOINS_AT_MOST` pauses: one beginning past them runs unpaused (the collector is
still off until the stretch's pauses end, then on again while it reads)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

# Reads of fewer rows run with the collector as it is: as many as a read run on the event
# loop's thread returns at most (thread_reads.INLINE_ROWS), a little more.
PAUSE_FROM_ROWS = 256

# Pauses one stretch of the collector being off takes (nested ones count too: a read paused
# whole converts in pauses of its own); a few reads' worth, as several threads read at once.
JOINS_AT_MOST = 16

_lock = threading.Lock()
_pauses = 0
_joined = 0
_resume = False
# After a stretch that reached its bound, the collections run so far: no pause pauses again
# until the collector has run once more (else the next read, a moment later, would begin a
# stretch of its own before it could).
_awaited: int | None = None


def _collections() -> int:
    return sum(generation["collections"] for generation in gc.get_stats())


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    global _pauses, _joined, _resume, _awaited
    with _lock:
        if _pauses == 0 and _awaited is not None and _collections() != _awaited:
            _awaited = None
        joins = _awaited is None and (_pauses == 0 or _joined < JOINS_AT_MOST)
        if joins:
            if _pauses == 0:
                _resume = gc.isenabled()
                gc.disable()
                _joined = 0
            _joined += 1
            _pauses += 1
    if not joins:
        # Past the stretch's bound, or before the collector ran after one: unpaused.
        yield
        return
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0:
                if _joined >= JOINS_AT_MOST:
                    _awaited = _collections()
                if _resume:
                    gc.enable()


def paused_for(rows: int) -> contextlib.AbstractContextManager[None]:
    """`collection_paused()` for work over `rows` rows of at least PAUSE_FROM_ROWS; below, the
    pause's lock and toggles would cost more than the collections it spares."""
    return collection_paused() if rows >= PAUSE_FROM_ROWS else contextlib.nullcontext()
