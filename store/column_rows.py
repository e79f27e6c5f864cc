"""Rows kept as the columns a read gives: metric rows, one run of them per entity.

A list of 100 accounts with all their rows reads 12,000 metric rows. Made into a record per row
(a tuple), then taken apart again a field at a time by the lean executor, they cost a fifth of
the request (docs/performance.md): the records, the runs of each entity, a pass per field over
the records. A `MetricRun` keeps the read's columns and its place in them instead, so that each
field of the whole list is one slice of a column. A record per row is built only for code that
asks for rows (`records()`, iteration, indexing): the per-entity resolver, the standard
executor, a column form that reads rows.

`ColumnRows` is what the lean executor (schema/execution/lean.py) knows of such rows: the type of
their records, a field's values as a column, and several of them joined into one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain, repeat
from operator import attrgetter, is_
from typing import Any, ClassVar, Generic, TypeVar, overload

from store.reads.runs import run_bounds
from store.records import MetricRecord

R = TypeVar("R")


class ColumnRows(Sequence[R], Generic[R]):
    """A sequence of records of `row_type` that can give a field of all of them at once."""

    __slots__ = ()

    row_type: ClassVar[type]

    def column(self, name: str) -> list[Any] | None:
        """The attribute `name` of every row, in order (a new list); None when the rows do not
        keep it as a column (the caller reads it row by row)."""
        raise NotImplementedError

    @classmethod
    def joined(cls, parts: Sequence[Any]) -> ColumnRows[R] | None:
        """The rows of `parts` (rows of this class) one after the other; None if they cannot
        be joined (the caller joins their records)."""
        raise NotImplementedError


# A MetricRecord's fields, in its order: the columns of a run, in the same order.
Columns = tuple[list[Any], ...]
_POSITIONS = {name: position for position, name in enumerate(MetricRecord._fields)}
_NO_COLUMNS: Columns = tuple([] for _ in MetricRecord._fields)


class MetricRun(ColumnRows[MetricRecord]):
    """Rows `start` to `stop` of a read's columns (one list per MetricRecord field)."""

    __slots__ = ("_columns", "_start", "_stop")

    row_type = MetricRecord

    def __init__(self, columns: Columns, start: int, stop: int) -> None:
        self._columns = columns
        self._start = start
        self._stop = stop

    @classmethod
    def empty(cls) -> MetricRun:
        return cls(_NO_COLUMNS, 0, 0)

    def __len__(self) -> int:
        return self._stop - self._start

    def __repr__(self) -> str:
        return f"MetricRun({self.records()!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MetricRun):
            return self.records() == other.records()
        if isinstance(other, list):
            return self.records() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a list's: rows compare by value

    @overload
    def __getitem__(self, index: int) -> MetricRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[MetricRecord]: ...

    def __getitem__(self, index: int | slice) -> MetricRecord | list[MetricRecord]:
        return self.records()[index]

    def __iter__(self) -> Iterator[MetricRecord]:
        return iter(self.records())

    def records(self) -> list[MetricRecord]:
        """A record per row (built now, each time: callers that need them keep them)."""
        start, stop = self._start, self._stop
        # tuple.__new__ builds each record in C: a NamedTuple's own constructor is a Python call.
        return list(
            map(
                tuple.__new__,
                repeat(MetricRecord),
                zip(*(column[start:stop] for column in self._columns), strict=True),
            )
        )

    def column(self, name: str) -> list[Any] | None:
        position = _POSITIONS.get(name)
        if position is None:
            return None
        return self._columns[position][self._start : self._stop]

    @classmethod
    def joined(cls, parts: Sequence[Any]) -> MetricRun | None:
        # No Python call per part (a list of 100 accounts has 100): attributes read in C.
        if not set(map(type, parts)) <= {MetricRun}:
            return None
        runs = [run for run in parts if run._stop > run._start]
        if not runs:
            return cls.empty()
        columns = runs[0]._columns
        starts = list(map(_start_of, runs))
        stops = list(map(_stop_of, runs))
        # The usual case, a list of entities in the order of the read: one slice of its columns.
        if starts[1:] == stops[:-1] and all(map(is_, map(_columns_of, runs), repeat(columns))):
            return cls(columns, starts[0], stops[-1])
        joined = tuple(
            list(
                chain.from_iterable(run._columns[position][run._start : run._stop] for run in runs)
            )
            for position in range(len(columns))
        )
        return cls(joined, 0, len(joined[0]))


_start_of = attrgetter("_start")
_stop_of = attrgetter("_stop")
_columns_of = attrgetter("_columns")


def metric_runs(keys: Sequence[str], columns: Columns) -> dict[str, MetricRun]:
    """Each key's rows of a read whose `keys[i]` is the key of row i, equal keys side by side
    (as a read ordered by them gives them)."""
    bounds = run_bounds(keys)
    if bounds is None:  # keys out of runs: the rows reordered so that each key's come together
        order = sorted(range(len(keys)), key=keys.__getitem__)
        keys = list(map(keys.__getitem__, order))
        columns = tuple(list(map(column.__getitem__, order)) for column in columns)
        bounds = run_bounds(keys)
        assert bounds is not None, "sorted keys come in runs"
    return {key: MetricRun(columns, start, stop) for key, (start, stop) in bounds.items()}
