"""Metric rows kept as columns (store/column_rows.py) give the records, columns and joins that
the same rows as records give, whatever the order of their keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from store.column_rows import MetricRun, metric_runs
from store.reads.runs import runs_by_key
from store.records import MetricRecord

_RECORDS = st.builds(
    MetricRecord,
    metric_name=st.sampled_from(["revenue", "tickets"]),
    value=st.decimals(allow_nan=False, allow_infinity=False, places=2),
    unit=st.sampled_from(["EUR", "minutes"]),
    effective_date=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2023, 12, 1)),
)
_ROWS = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), _RECORDS), max_size=40)


def _columns(records: list[MetricRecord]) -> tuple[list[object], ...]:
    return tuple(list(column) for column in zip(*records, strict=True)) or tuple(
        [] for _ in MetricRecord._fields
    )


@given(rows=_ROWS, ordered=st.booleans())
def test_runs_hold_the_records_of_each_key_in_their_order(
    rows: list[tuple[str, MetricRecord]], ordered: bool
) -> None:
    if ordered:
        rows = sorted(rows, key=lambda row: row[0])
    keys = [key for key, _record in rows]
    records = [record for _key, record in rows]
    runs = metric_runs(keys, _columns(records))
    expected = runs_by_key(keys, records)
    assert {key: run.records() for key, run in runs.items()} == expected
    for key, run in runs.items():
        assert len(run) == len(expected[key])
        assert list(run) == expected[key]
        assert run == expected[key]
        for name in MetricRecord._fields:
            assert run.column(name) == [getattr(record, name) for record in expected[key]]
        assert run.column("figure_kind") is None  # not a field: read row by row


@given(rows=_ROWS, picks=st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=6))
def test_joined_runs_hold_their_records_one_after_the_other(
    rows: list[tuple[str, MetricRecord]], picks: list[str]
) -> None:
    rows = sorted(rows, key=lambda row: row[0])
    keys = [key for key, _record in rows]
    records = [record for _key, record in rows]
    runs = metric_runs(keys, _columns(records))
    parts = [runs.get(key, MetricRun.empty()) for key in picks]
    joined = MetricRun.joined(parts)
    assert joined is not None
    expected = [record for part in parts for record in part.records()]
    assert joined.records() == expected
    for name in MetricRecord._fields:
        assert joined.column(name) == [getattr(record, name) for record in expected]


def test_runs_in_the_order_of_their_read_join_without_a_copy() -> None:
    records = [MetricRecord("revenue", Decimal(n), "EUR", dt.date(2023, 1, 1)) for n in range(5)]
    runs = metric_runs(["a", "a", "b", "c", "c"], _columns(records))
    joined = MetricRun.joined([runs["a"], MetricRun.empty(), runs["b"], runs["c"]])
    assert joined is not None
    assert joined.records() == records
    assert joined._columns is runs["a"]._columns  # one slice of the read's columns


def test_other_rows_are_not_joined_as_columns() -> None:
    assert (
        MetricRun.joined(
            [MetricRun.empty(), [MetricRecord("x", Decimal(1), "u", dt.date(2023, 1, 1))]]
        )
        is None
    )
