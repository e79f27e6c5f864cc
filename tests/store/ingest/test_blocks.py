"""Rows read a block at a time (`TableReader.blocks`, `store/ingest/blocks.py`) are the rows
read one at a time: the same records with the same lines, the same problems, the same count,
whatever the lines hold (quotes, blank and rule lines, spaces, widths, line endings)."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.ingest.blocks import ColumnBlock
from store.ingest.columns import ColumnMatcher
from store.ingest.errors import FileRejected
from store.ingest.kinds.metrics import COLUMNS, MetricsValidator
from store.ingest.progress import NoProgress
from store.ingest.reading import Record, Row, TableReader, open_table_file

_HEADER = ["level", "entity_id", "metric_name", "effective_date", "value", "note"]
_CELLS = st.sampled_from(
    [
        "account",
        "A1",
        "revenue",
        "2024-01-15",
        "12.50",
        "",
        " ",
        " padded ",
        "two words",
        "---",
        "===",
        "x\ty",
        '"quoted"',
        '"a, b"',
        '"line\nbreak"',
        'in"side',
        "é",
        "\xa0nbsp",
        "+5",
        "1e3",
        "a" * 120,
        "\x01",
    ]
)
_ENDINGS = st.sampled_from(["\n", "\r\n"])


@st.composite
def _lines(draw: st.DrawFn, delimiter: str) -> str:
    kind = draw(st.sampled_from(["row", "row", "row", "row", "blank", "rule", "spaces"]))
    if kind == "blank":
        return ""
    if kind == "rule":
        return "-" * draw(st.integers(3, 8))
    if kind == "spaces":
        return delimiter * draw(st.integers(0, 6))
    width = draw(st.integers(len(_HEADER) - 2, len(_HEADER) + 1))
    return delimiter.join(draw(st.lists(_CELLS, min_size=width, max_size=width)))


@st.composite
def _files(draw: st.DrawFn) -> tuple[str, str]:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    # Mostly plain lines (the blocks' column paths, with and without quotes), some of anything.
    cells = ["account", "A1", "revenue", "2024-01-15", "12.50", "n"]
    plain = delimiter.join(cells)
    quoted = delimiter.join(
        [f'"{cell}"' if n % 2 else cell for n, cell in enumerate(cells[:-1])]
        + [draw(st.sampled_from(['"n"', f'"a{delimiter}b"', '" x "', '"q""q"', '"\tt"']))]
    )
    lines = draw(
        st.lists(st.one_of(st.just(plain), st.just(quoted), _lines(delimiter)), max_size=40)
    )
    ending = draw(_ENDINGS)
    text = delimiter.join(_HEADER) + ending + "".join(line + ending for line in lines)
    if lines and draw(st.booleans()):
        text = text[: -len(ending)]
    return text, delimiter


def _one_at_a_time(path: Path) -> tuple[list[Record], list[tuple[int, str]], int] | str:
    reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
    try:
        records = list(reader)
    except FileRejected as exc:
        return str(exc)
    return records, [(p.line, p.reason) for p in reader.problems], reader.rows_read


def _by_blocks(path: Path, size: int) -> tuple[list[Record], list[tuple[int, str]], int] | str:
    reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
    records: list[Record] = []
    try:
        for block in reader.blocks(size):
            records.extend(block.records() if isinstance(block, ColumnBlock) else block)
    except FileRejected as exc:
        return str(exc)
    return records, [(p.line, p.reason) for p in reader.problems], reader.rows_read


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_files(), st.integers(1, 7))
def test_blocks_give_the_rows_one_at_a_time_gives(file: tuple[str, str], size: int) -> None:
    text, _delimiter = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "metrics.csv"
        path.write_bytes(text.encode("utf-8"))
        assert _by_blocks(path, size) == _one_at_a_time(path)


def test_plain_lines_come_as_columns(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    rows = [f"account,A{n},revenue,2024-01-15,{n}.5\r\n" for n in range(10)]
    path.write_text("level,entity_id,metric_name,effective_date,value\r\n" + "".join(rows))
    reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
    blocks = list(reader.blocks(4))
    assert [type(block) for block in blocks] == [ColumnBlock] * 3
    first = blocks[0]
    assert isinstance(first, ColumnBlock)
    assert (first.first_line, first.size) == (2, 4)
    assert list(first.columns["entity_id"]) == ["A0", "A1", "A2", "A3"]
    assert list(first.columns["value"]) == ["0.5", "1.5", "2.5", "3.5"]
    assert reader.rows_read == 10


def test_a_quote_sends_the_rest_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text(
        "level,entity_id,metric_name,effective_date,value\n"
        "account,A1,revenue,2024-01-15,1\n"
        'account,"A\n2",revenue,2024-01-15,2\n'
        "account,A3,revenue,2024-01-15,3\n"
    )
    reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
    records = [
        record
        for block in reader.blocks(1)
        for record in (block.records() if isinstance(block, ColumnBlock) else block)
    ]
    assert [(line, row["entity_id"]) for line, row in records] == [
        (2, "A1"),
        (3, "A\n2"),
        (5, "A3"),
    ]


def test_quoted_lines_come_as_columns(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    rows = [f'"account","A{n}","rev, enue","2024-01-15"," {n}.5"\n' for n in range(10)]
    path.write_text("level,entity_id,metric_name,effective_date,value\n" + "".join(rows))
    reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
    blocks = list(reader.blocks(4))
    assert [type(block) for block in blocks] == [ColumnBlock] * 3
    first = blocks[0]
    assert isinstance(first, ColumnBlock)
    assert (first.first_line, first.size) == (2, 4)
    assert list(first.columns["metric_name"]) == ["rev, enue"] * 4
    assert list(first.columns["value"]) == ["0.5", "1.5", "2.5", "3.5"]
    assert reader.rows_read == 10


def test_a_quote_open_at_the_end_of_a_block_is_read_across_it(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text(
        "level,entity_id,metric_name,effective_date,value\n"
        '"account","A1",revenue,2024-01-15,1\n'
        'account,"A\n2",revenue,2024-01-15,2\n'
        '"account","A3",revenue,2024-01-15,3\n'
    )
    for size in (1, 2, 3):
        reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
        records = [
            record
            for block in reader.blocks(size)
            for record in (block.records() if isinstance(block, ColumnBlock) else block)
        ]
        assert [(line, row["entity_id"]) for line, row in records] == [
            (2, "A1"),
            (3, "A\n2"),
            (5, "A3"),
        ]


# --- a metric block checked by column stages what its rows checked one by one stage ---------

_ROW_CELLS = {
    "level": st.sampled_from(["account", "company", "Account", "planet", ""]),
    "entity_id": st.sampled_from(["A1", "A2", "C1", "Z9", ""]),
    "metric_name": st.sampled_from(["revenue", "users", "unknown", ""]),
    "effective_date": st.sampled_from(["2024-01-15", "2024-02", "2024/03/01", "2024-13-01", ""]),
    "value": st.sampled_from(["12.50", "-0", "+5", "1e3", "0.0000001", "x", "", "7"]),
    "unit": st.sampled_from(["", "EUR", "euros", "count", "furlongs"]),
}


def _validator() -> MetricsValidator:
    return MetricsValidator(
        entities={
            "account": {"A1": "A1", "A2": "A2"},
            "company": {"C1": "C1"},
            "contract": {},
            "industry": {},
        },
        units={"revenue": "euros", "users": "count"},
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.fixed_dictionaries(_ROW_CELLS), min_size=1, max_size=6),
    st.lists(st.fixed_dictionaries(_ROW_CELLS), max_size=4),
    st.booleans(),
)
def test_a_metric_block_stages_what_its_rows_stage(
    rows: list[dict[str, str]], before: list[dict[str, str]], with_unit: bool
) -> None:
    names = [name for name in _ROW_CELLS if with_unit or name != "unit"]
    by_rows, by_block = _validator(), _validator()
    # Rows checked before (the caches of months and metric units they fill).
    for line, row in enumerate(before, start=2):
        cells: Row = {name: row[name] or None for name in names}
        assert by_rows.check(line, cells) == by_block.check(line, dict(cells))
    by_rows.take_staged()
    by_block.take_staged()
    first = 100
    block = ColumnBlock(first, len(rows), {name: [row[name] for row in rows] for name in names})
    staged = by_block.stage_block(block)
    reasons = [by_rows.check(line, cells) for line, cells in block.records()]
    if staged is None:
        # Nothing kept: the rows then go one by one.
        assert by_block.take_staged() == []
        assert by_block.rows == by_rows.rows - sum(1 for found in reasons if not found)
        return
    assert reasons == [[] for _ in rows]
    expected = [
        (level, entity_id, metric, month, str(value), line)
        for level, entity_id, metric, month, value, line in by_rows.take_staged()
    ]
    got = zip(
        staged.levels,
        staged.entity_ids,
        staged.metric_names,
        staged.months,
        # What PostgreSQL's stage gets (Decimal) prints what SQLite's stores (the text).
        [str(Decimal(text)) for text in staged.values],
        range(first, first + staged.size),
        strict=True,
    )
    assert list(got) == expected
    assert list(staged.values) == [str(row[4]) for row in expected]
    assert by_block.rows == by_rows.rows


def test_a_common_metric_block_is_checked_by_column() -> None:
    validator = _validator()
    assert (
        validator.check(
            2,
            {
                "level": "account",
                "entity_id": "A1",
                "metric_name": "revenue",
                "effective_date": "2024-01-15",
                "value": "1",
            },
        )
        == []
    )
    block = ColumnBlock(
        3,
        2,
        {
            "level": ["account", "account"],
            "entity_id": ["A1", "A2"],
            "metric_name": ["revenue", "revenue"],
            "effective_date": ["2024-01-15", "2024-02-01"],
            "value": ["1.50", "2"],
        },
    )
    staged = validator.stage_block(block)
    assert staged is not None
    assert list(staged.months) == [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
    assert list(staged.values) == ["1.50", "2"]
    assert validator.rows == 3
