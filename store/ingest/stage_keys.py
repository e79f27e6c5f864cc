"""One integer for each staged row's metric and month on SQLite, in the order of the pairs.

SQLite's stage of a load held the metric's name (about 20 characters) and the month's ISO text
(10) on every row and again in its index; a small integer per row instead makes both about half
as large again, the index's sort compares integers, and the inserts bind fewer values
(`docs/performance.md`, "SQLite's stage by integer keys"). The texts come back from two small
tables keyed by number (the metrics and the months used), joined when the rows are compared
with the stored ones or copied into `metric_value`.

The key is the metric's number shifted left past the month, then the month's proleptic
ordinal (`date.toordinal()`, below 2**22 for every date Python has): sorted by key, the rows
come in the order of (metric name, month), so that a sort by (entity number, key) is still
`metric_value`'s primary key order. Metric names are numbered in their order (Python orders
strings by code point, as SQLite's BINARY collation orders their UTF-8) among those the load
was given; a name outside them (a metric this file defines) gets a number after all of them:
correct, its rows only reach the index out of order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

# Bits of a key that hold the month: every ordinal is below 2**22 (date.max's is 3,652,059).
MONTH_BITS = 22
MONTH_MASK = (1 << MONTH_BITS) - 1


def month_of(key: int) -> dt.date:
    """The month a key names (the tests' view of the key; SQL uses `key & MONTH_MASK`)."""
    return dt.date.fromordinal(key & MONTH_MASK)


class _Keys(dict[tuple[str, dt.date], int]):
    """(metric name, month) -> key, computed when a pair is first met."""

    def __init__(self, keys: StageKeys) -> None:
        super().__init__()
        self._keys = keys

    def __missing__(self, pair: tuple[str, dt.date]) -> int:
        name, month = pair
        key = self[pair] = self._keys.code(name) << MONTH_BITS | month.toordinal()
        return key


class StageKeys:
    def __init__(self, metrics: Collection[str] = ()) -> None:
        self._codes: dict[str, int] = {name: code for code, name in enumerate(sorted(metrics))}
        self._next = len(self._codes)
        # The metrics staged so far: only their names go to the database's table.
        self._used: set[str] = set()
        # Every pair met so far (a file has a few metrics and months: a small dictionary).
        self._keys = _Keys(self)

    def code(self, name: str) -> int:
        """The metric's number (a new name gets the next one), marked as staged."""
        self._used.add(name)
        code = self._codes.get(name)
        if code is None:
            code = self._codes[name] = self._next
            self._next += 1
        return code

    def of(self, metric_names: Sequence[str], months: Sequence[dt.date]) -> list[int]:
        """The key of each row: one dictionary lookup per row in C (a pair met for the first
        time computes its key)."""
        return list(map(self._keys.__getitem__, zip(metric_names, months, strict=True)))

    def used_metrics(self) -> Iterable[tuple[int, str]]:
        """(number, name) of every metric staged so far."""
        return ((self._codes[name], name) for name in self._used)


def month_rows(months: Iterable[dt.date]) -> list[tuple[int, str]]:
    """(ordinal, ISO text) of each month: the rows of the stage's table of months."""
    return [(month.toordinal(), month.isoformat()) for month in months]
