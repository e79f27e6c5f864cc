"""JSON Lines read a block at a time (`store/ingest/json_blocks.py`) give the rows read one line
at a time: the same records with the same lines, the same problems, the same count, whatever
the lines hold; and a metrics file loads the same, values and errors, as CSV or JSON Lines."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestRejected, ingest_file
from store.ingest.blocks import ColumnBlock
from store.ingest.columns import ColumnMatcher
from store.ingest.errors import FileRejected
from store.ingest.kinds.metrics import COLUMNS
from store.ingest.progress import NoProgress
from store.ingest.reading import Record, TableReader, open_table_file
from store.tables import METADATA
from tests.store.ingest.support import seed_entities, table_rows

_KEYS = st.sampled_from(
    ["level", "entity_id", "metric_name", "effective_date", "value", "unit", "note", "Entity ID"]
)
# Values as JSON texts: strings of every kind, numbers as written, null, booleans, nesting.
_VALUES = st.sampled_from(
    [
        '"account"',
        '"A1"',
        '"revenue"',
        '"2024-01-15"',
        '"12.50"',
        '""',
        '" "',
        '" padded "',
        '"two words"',
        '"a: 5, b"',
        '"x\\ty"',
        '"\\u0001"',
        '"\\u001f"',
        '"\\ud800"',
        '"é"',
        '"\\u00a0nbsp"',
        '"{"',
        '"["',
        '"' + "a" * 210 + '"',
        "12.50",
        "-0",
        "1e3",
        "0.1000000000000000055",
        "1E+400",
        "01",
        "1.",
        "NaN",
        "null",
        "true",
        "false",
        "[1]",
        "{}",
        '{"a": {"b": 1}}',
    ]
)
_DEEP = "[" * 40 + "]" * 40


@st.composite
def _object(draw: st.DrawFn) -> str:
    keys = draw(st.lists(_KEYS, max_size=7))
    spaces = draw(st.sampled_from(["", " ", "\t"]))
    members = [f'"{key}":{spaces}{draw(_VALUES)}' for key in keys]
    return "{" + ", ".join(members) + spaces + "}"


@st.composite
def _lines(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["object"] * 6 + ["blank", "spaces", "broken", "array", "deep"]))
    if kind == "object":
        return draw(_object())
    if kind == "blank":
        return ""
    if kind == "spaces":
        return "  "
    if kind == "broken":
        return draw(st.sampled_from(['{"level": "account"', "{]", '"text"', "5", '{"a": 1}{}']))
    if kind == "array":
        return '[{"level": "account"}]'
    return '{"note": ' + _DEEP + "}"


@st.composite
def _files(draw: st.DrawFn) -> str:
    # Mostly the same plain object (the block path), some of anything.
    plain = (
        '{"level": "account", "entity_id": "A1", "metric_name": "revenue", '
        '"effective_date": "2024-01-15", "value": 12.50}'
    )
    lines = draw(st.lists(st.one_of(st.just(plain), _lines()), max_size=30))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = "".join(line + ending for line in lines)
    if lines and draw(st.booleans()):
        text = text[: -len(ending)]
    return text


def _one_at_a_time(path: Path) -> tuple[list[Record], list[tuple[int, str]], int] | str:
    try:
        reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
        records = list(reader)
    except FileRejected as exc:
        return str(exc)
    return records, [(p.line, p.reason) for p in reader.problems], reader.rows_read


def _by_blocks(path: Path, size: int) -> tuple[list[Record], list[tuple[int, str]], int] | str:
    records: list[Record] = []
    try:
        reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
        for block in reader.blocks(size):
            records.extend(block.records() if isinstance(block, ColumnBlock) else block)
    except FileRejected as exc:
        return str(exc)
    return records, [(p.line, p.reason) for p in reader.problems], reader.rows_read


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_files(), st.integers(1, 7))
def test_json_blocks_give_the_rows_one_at_a_time_gives(text: str, size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "metrics.jsonl"
        path.write_bytes(text.encode("utf-8"))
        assert _by_blocks(path, size) == _one_at_a_time(path)


def test_plain_json_lines_come_as_columns_with_numbers_as_written(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    rows = [
        f'{{"level": "account", "entity_id": "A{n}", "metric": "revenue", '
        f'"effective_date": "2024-01-15", "value": {n}.50, "unit": null, "ok": true}}\n'
        for n in range(10)
    ]
    path.write_text("".join(rows))
    reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
    blocks = list(reader.blocks(4))
    assert [type(block) for block in blocks] == [ColumnBlock] * 3
    first = blocks[0]
    assert isinstance(first, ColumnBlock)
    assert (first.first_line, first.size) == (1, 4)
    assert list(first.columns["metric_name"]) == ["revenue"] * 4
    assert list(first.columns["value"]) == ["0.50", "1.50", "2.50", "3.50"]
    assert list(first.columns["unit"]) == [""] * 4
    assert reader.rows_read == 10
    assert reader.matcher.ignored == ["ok"]


def test_a_bad_line_sends_its_block_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    good = (
        '{"level": "account", "entity_id": "A1", "metric_name": "m", '
        '"effective_date": "2024-01-01", "value": 1}\n'
    )
    path.write_text(good * 3 + '{"level": "account",\n' + good * 3)
    reader = TableReader(open_table_file(path), ColumnMatcher(COLUMNS), NoProgress())
    blocks = list(reader.blocks(3))
    assert [type(block) for block in blocks] == [ColumnBlock, list, ColumnBlock]
    assert [(p.line, p.reason) for p in reader.problems] == [
        (4, "not valid JSON: Expecting property name enclosed in double quotes (column 1)")
    ]
    assert reader.rows_read == 7


# --- the same values load the same from CSV and from JSON Lines -----------------------------

_CELLS = {
    "level": st.sampled_from(["account", "company", "industry", "Account", "planet", ""]),
    "entity_id": st.sampled_from(["A1", "A2", "C1", "retail", "Z9", ""]),
    "metric_name": st.sampled_from(["revenue", "handling_time", "visits", ""]),
    "effective_date": st.sampled_from(["2024-01-15", "2024-02", "2023-12-01", "2024-13-01", ""]),
    "value": st.sampled_from(["12.50", "-0", "1e3", "0.0000001", "7", "15000.000", "x", ""]),
    "unit": st.sampled_from(["", "EUR", "euros", "minutes", "count", "furlongs"]),
}
_NAMES = list(_CELLS)
_LINE = re.compile(r"\bline (\d+)")


def _json_value(name: str, cell: str) -> str:
    """A cell as JSON Lines writes it: a number as a number, an empty cell as null."""
    if not cell:
        return "null"
    if name == "value":
        try:
            json.loads(cell)
        except ValueError:
            pass
        else:
            return cell
    return json.dumps(cell)


def _write_both(folder: Path, rows: list[dict[str, str]]) -> tuple[Path, Path]:
    csv_path = folder / "metrics.csv"
    csv_path.write_text(
        ",".join(_NAMES) + "\n" + "".join(",".join(row[n] for n in _NAMES) + "\n" for row in rows)
    )
    jsonl_path = folder / "metrics.jsonl"
    jsonl_path.write_text(
        "".join(
            "{" + ", ".join(f'"{n}": {_json_value(n, row[n])}' for n in _NAMES) + "}\n"
            for row in rows
        )
    )
    return csv_path, jsonl_path


async def _outcome(engine: AsyncEngine, path: Path, line_offset: int) -> Any:
    """What a load did (its rows written, changes and the stored values), or the lines and
    reasons of the problems that refused it, lines counted from the file's first row."""
    async with engine.begin() as connection:
        await connection.execute(delete(METADATA.tables["metric_value"]))
    try:
        report = await ingest_file(engine, kind=IngestKind.METRICS, path=path)
    except IngestRejected as exc:
        # A reason may name another line too ("duplicate of line 2").
        return [
            (
                problem.line - line_offset,
                _LINE.sub(lambda found: f"line {int(found[1]) - line_offset}", problem.reason),
            )
            for problem in exc.problems
        ]
    return report.rows_written, report.changes, await table_rows(engine, "metric_value")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.fixed_dictionaries(_CELLS), min_size=1, max_size=12),
    plain=st.integers(0, 30),
)
async def test_csv_and_json_lines_of_the_same_values_load_the_same(
    engine: AsyncEngine, tmp_path: Path, rows: list[dict[str, str]], plain: int
) -> None:
    await seed_entities(engine, tmp_path)  # idempotent: the same entities every example
    # Good rows of distinct months first (the blocks' column path when nothing else is wrong).
    good = [
        {
            "level": "account",
            "entity_id": "A1",
            "metric_name": "revenue",
            "effective_date": f"{2000 + n // 12}-{n % 12 + 1:02d}-01",
            "value": f"{n}.{n:02d}",
            "unit": "",
        }
        for n in range(plain)
    ]
    csv_path, jsonl_path = _write_both(tmp_path, good + rows)
    from_csv = await _outcome(engine, csv_path, line_offset=1)  # the header is line 1
    from_jsonl = await _outcome(engine, jsonl_path, line_offset=0)
    assert from_jsonl == from_csv


@pytest.mark.parametrize("size", [1, 2, 10_000])
async def test_json_lines_errors_name_the_lines_csv_names(
    engine: AsyncEngine, tmp_path: Path, size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Blocks of one line, of two and of the whole file: some go by column, some line by line.
    monkeypatch.setattr("store.ingest.entry.STAGE_CHUNK_ROWS", size)
    await seed_entities(engine, tmp_path)
    good = {
        "level": "account",
        "entity_id": "A1",
        "metric_name": "revenue",
        "effective_date": "2024-01-15",
        "value": "1.50",
        "unit": "",
    }
    rows = [
        good,
        {**good, "effective_date": "2024-02-01"},
        {**good, "entity_id": "Z9"},
        {**good, "effective_date": "2024-03-01"},
        {**good, "effective_date": "2024-02-20"},  # the month of the second row
        {**good, "effective_date": "2024-04-01", "value": "x"},
    ]
    csv_path, jsonl_path = _write_both(tmp_path, rows)
    from_csv = await _outcome(engine, csv_path, line_offset=1)
    from_jsonl = await _outcome(engine, jsonl_path, line_offset=0)
    assert from_jsonl == from_csv
    assert [line for line, _reason in from_jsonl] == [3, 5, 6]
