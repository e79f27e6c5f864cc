"""The bulk write of a metric file (store/ingest/staging.py): months with no stored value go
in without a duplicate search first, and the foreign key to metric_definition still refuses
and locks as it does for every write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestRejected, staging
from store.ingest.staging import MetricStage, StagedColumns
from store.tables import METADATA
from tests.store.ingest.support import load, load_text, seed_entities, table_rows, write_file

_HEADER = ["level", "entity_id", "metric_name", "effective_date", "value"]


async def _seed(engine: AsyncEngine, folder: Path) -> None:
    await load_text(
        engine, folder, IngestKind.DEFINITIONS, "name,unit\nrevenue,EUR\nusers,count\nspare,EUR\n"
    )
    await load_text(engine, folder, IngestKind.ACCOUNTS, "account_id,name\nA1,One\nA2,Two\n")


def _month(month: str) -> list[list[str]]:
    return [
        ["account", account, metric, month, f"{n}.5"]
        for n, (account, metric) in enumerate(
            (a, m) for a in ("A1", "A2") for m in ("revenue", "users")
        )
    ]


async def test_a_new_month_after_stored_months_is_all_new(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _seed(engine, tmp_path)
    await load(
        engine, IngestKind.METRICS, write_file(tmp_path, "m1", "comma", _HEADER, _month("2024-01"))
    )
    report = await load(
        engine, IngestKind.METRICS, write_file(tmp_path, "m2", "comma", _HEADER, _month("2024-02"))
    )
    assert report.changes is not None
    assert (report.changes.new, report.changes.changed, report.changes.unchanged) == (4, 0, 0)
    assert len(await table_rows(engine, "metric_value")) == 8


async def test_a_duplicate_in_a_new_month_is_reported_and_nothing_is_written(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _seed(engine, tmp_path)
    await load(
        engine, IngestKind.METRICS, write_file(tmp_path, "m1", "comma", _HEADER, _month("2024-01"))
    )
    before = await table_rows(engine, "metric_value")
    rows = [*_month("2024-02"), ["account", "A2", "users", "2024-02-01", "9"]]
    with pytest.raises(IngestRejected) as rejected:
        await load(engine, IngestKind.METRICS, write_file(tmp_path, "m2", "comma", _HEADER, rows))
    assert [(p.line, p.reason) for p in rejected.value.problems] == [
        (6, "duplicate of line 5: same account 'A2', metric 'users' and month 2024-02")
    ]
    assert await table_rows(engine, "metric_value") == before


def _postgres_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the per-row foreign key triggers are PostgreSQL's")


async def test_an_undefined_metric_is_still_refused_by_the_foreign_key(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """A metric the validator let through but the database lacks (deleted since, say): the
    load keeps the per-row triggers, whose foreign key error is the usual one."""
    _postgres_only(engine)
    await _seed(engine, tmp_path)
    with pytest.raises(IntegrityError, match="metric_value_metric_name_fkey"):
        await _stage_and_write(engine, "nope")
    assert await table_rows(engine, "metric_value") == []


async def _stage_and_write(engine: AsyncEngine, metric: str) -> None:
    async with engine.begin() as connection:
        stage = await MetricStage.create(connection)
        await stage.add([("account", "A1", metric, dt.date(2024, 1, 1), Decimal("1"), 2)])
        await stage.finish_loading()
        assert await stage.write_if_all_new() is None  # the insert was refused, undone
        await stage.write(await stage.changes())


async def test_a_load_locks_its_definitions_and_gives_the_triggers_back(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """The foreign key holds its lock: the definition cannot be deleted while the load is
    open; and the transaction's statements keep their triggers."""
    _postgres_only(engine)
    await _seed(engine, tmp_path)
    async with engine.begin() as connection:
        stage = await MetricStage.create(connection)
        await stage.add([("account", "A1", "spare", dt.date(2024, 1, 1), Decimal("1"), 2)])
        await stage.finish_loading()
        assert await stage.write_if_all_new() is not None
        role = await connection.exec_driver_sql("SHOW session_replication_role")
        assert role.scalar_one() == "origin"
        async with engine.connect() as other:
            await other.exec_driver_sql("SET lock_timeout = '200ms'")
            with pytest.raises(DBAPIError, match="lock timeout"):
                await other.exec_driver_sql("DELETE FROM metric_definition WHERE name = 'spare'")
            await other.rollback()
    assert len(await table_rows(engine, "metric_value")) == 1
    async with engine.connect() as connection:
        stored = await connection.execute(text("SELECT count(*) FROM metric_definition"))
        assert stored.scalar_one() == 3


def test_text_is_bytewise_under_c_collations_only() -> None:
    assert [staging._bytewise(name) for name in ("C", "POSIX", "C.UTF-8", "C.utf8")] == [True] * 4
    assert not any(staging._bytewise(name) for name in ("en_US.UTF-8", "de_DE.utf8", "und-x-icu"))


@pytest.mark.parametrize("bytewise", [True, False])
async def test_the_copy_writes_every_row_whatever_its_sort(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bytewise: bool
) -> None:
    """The copy into metric_value sorts without the level when the file has one, under the
    "C" collation when the database orders text bytewise: first loads and reloads that
    change values write exactly the file's rows either way."""
    monkeypatch.setattr(staging, "_bytewise", lambda _collation: bytewise)
    await seed_entities(engine, tmp_path)
    one_level = [
        ["account", account, metric, month, f"{n}.5"]
        for n, (account, metric, month) in enumerate(
            (a, m, d)
            for a in ("A2", "A1")
            for m in ("revenue", "handling_time")
            for d in ("2024-02", "2024-01")
        )
    ]
    levels = [
        ["company", "C2", "revenue", "2024-01", "3"],
        ["contract", "K1", "revenue", "2024-01", "4"],
        ["account", "A1", "revenue", "2024-03", "5"],
        ["industry", "retail", "revenue", "2024-01", "6"],
    ]
    for rows in (one_level, levels, [[*row[:4], f"{row[4]}0"] for row in one_level[::2]]):
        await load(engine, IngestKind.METRICS, write_file(tmp_path, "m", "comma", _HEADER, rows))
    stored = {row[:4]: str(row[4]) for row in await table_rows(engine, "metric_value")}
    expected = {
        (level, entity, metric, dt.date.fromisoformat(f"{month}-01")): value
        for level, entity, metric, month, value in (
            *one_level,
            *levels,
            *([*row[:4], f"{row[4]}0"] for row in one_level[::2]),
        )
    }
    assert stored == expected


async def _sqlite_indexes(engine: AsyncEngine) -> list[tuple[str, str]]:
    async with engine.connect() as connection:
        found = await connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'metric_value' ORDER BY name"
        )
        return [(str(name), str(sql)) for name, sql in found.all()]


async def test_a_first_load_builds_the_indexes_again_all_or_nothing(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: a write that at least doubles metric_value drops its secondary indexes and
    builds them again; they are there after a load, after a rejected one, and they index
    every row."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL indexes new months' partitions once already")
    monkeypatch.setattr(staging, "REBUILD_INDEXES_FROM_ROWS", 4)
    await _seed(engine, tmp_path)
    indexes = await _sqlite_indexes(engine)
    assert [name for name, _sql in indexes if name.startswith("ix_")] == [
        "ix_metric_value_entity_month",
        "ix_metric_value_month_level",
    ]
    rows = [*_month("2024-01"), *_month("2024-02")]
    bad = [*_month("2024-03"), *_month("2024-04"), ["account", "A2", "users", "2024-04-01", "9"]]
    with pytest.raises(IngestRejected):
        await load(engine, IngestKind.METRICS, write_file(tmp_path, "bad", "comma", _HEADER, bad))
    assert await _sqlite_indexes(engine) == indexes
    # 8 rows into an empty table (rebuilt), then 8 more into 8 (rebuilt), then 4 into 16 (not).
    for name, month_rows in (("a", rows), ("b", bad[:8]), ("c", _month("2024-05"))):
        await load(
            engine, IngestKind.METRICS, write_file(tmp_path, name, "comma", _HEADER, month_rows)
        )
        assert await _sqlite_indexes(engine) == indexes
    async with engine.connect() as connection:
        checked = await connection.exec_driver_sql("PRAGMA integrity_check")
        assert checked.scalar_one() == "ok"
        by_entity = await connection.exec_driver_sql(
            "SELECT count(*) FROM metric_value INDEXED BY ix_metric_value_entity_month "
            "WHERE level = 'account' AND entity_id = 'A2'"
        )
        assert by_entity.scalar_one() == 10
        by_month = await connection.exec_driver_sql(
            "SELECT count(*) FROM metric_value INDEXED BY ix_metric_value_month_level "
            "WHERE effective_date >= '2024-01-01'"
        )
        assert by_month.scalar_one() == 20


_STAGE_LEVELS = ("account", "industry")
_STAGE_IDS = ("A1", "A2", "a1", "Ä", "A1 ", "Z")
_STAGE_MONTHS = (dt.date(2024, 1, 1), dt.date(2024, 2, 1))
_KEYS = st.tuples(
    st.sampled_from(_STAGE_LEVELS),
    st.sampled_from(_STAGE_IDS),
    st.sampled_from(("revenue", "users")),
    st.sampled_from(_STAGE_MONTHS),
)
_VALUES = st.sampled_from(("1", "1.0", "2.5", "-3"))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    stored=st.dictionaries(_KEYS, _VALUES, max_size=6),
    staged=st.lists(st.tuples(_KEYS, _VALUES), max_size=12),
    known=st.sets(st.tuples(st.sampled_from(_STAGE_LEVELS), st.sampled_from(_STAGE_IDS))),
    by_columns=st.booleans(),
)
async def test_the_stage_finds_duplicates_counts_changes_and_writes_the_rows_of_any_load(
    engine: AsyncEngine,
    tmp_path: Path,
    stored: dict[tuple[str, str, str, dt.date], str],
    staged: list[tuple[tuple[str, str, str, dt.date], str]],
    known: set[tuple[str, str]],
    by_columns: bool,
) -> None:
    """Whatever rows a load stages (row by row or by column, entities the stage numbers or
    not, keys stored or not, given twice or not): the duplicates are the lines of a key given
    before, and without them metric_value ends with the stored rows updated by the staged
    ones, counted as new, changed and unchanged, as a dictionary would (in a transaction
    rolled back: nothing stays from one example to the next)."""
    await _seed(engine, tmp_path)
    entities: dict[str, set[str]] = {}
    for level, entity_id in known:
        entities.setdefault(level, set()).add(entity_id)
    first_line: dict[tuple[str, str, str, dt.date], int] = {}
    duplicates: list[tuple[int, int]] = []
    for line, (key, _value) in enumerate(staged, start=2):
        if key in first_line:
            duplicates.append((line, first_line[key]))
        else:
            first_line[key] = line
    async with engine.connect() as connection, connection.begin() as transaction:
        if stored:
            await connection.execute(
                insert(METADATA.tables["metric_value"]),
                [
                    {
                        "level": level,
                        "entity_id": entity_id,
                        "metric_name": metric,
                        "effective_date": month,
                        "value": Decimal(value),
                    }
                    for (level, entity_id, metric, month), value in stored.items()
                ],
            )
        stage = await MetricStage.create(connection, entities=entities)
        if by_columns and staged:
            await stage.add_columns(
                StagedColumns(
                    2,
                    [key[0] for key, _ in staged],
                    [key[1] for key, _ in staged],
                    [key[2] for key, _ in staged],
                    [key[3] for key, _ in staged],
                    [value for _, value in staged],
                )
            )
        else:
            await stage.add(
                [(*key, Decimal(value), line) for line, (key, value) in enumerate(staged, 2)]
            )
        await stage.finish_loading()
        found = await stage.duplicates()
        assert [(p.line, int(p.reason.split()[3].rstrip(":"))) for p in found] == duplicates
        if not duplicates:
            changes = await stage.write_if_all_new()
            if changes is None:
                changes = await stage.changes()
                await stage.write(changes)
            loaded = dict(staged)
            same = sum(1 for key, value in loaded.items() if key in stored and stored[key] == value)
            assert (changes.new, changes.changed, changes.unchanged) == (
                sum(1 for key in loaded if key not in stored),
                sum(1 for key in loaded if key in stored) - same,
                same,
            )
            rows = await connection.exec_driver_sql(
                "SELECT level, entity_id, metric_name, effective_date, value FROM metric_value"
            )
            stored_rows: list[Any] = list(rows.all())
            written = {
                (level, entity_id, metric, _date(month)): str(value)
                for level, entity_id, metric, month, value in stored_rows
            }
            assert written == {**stored, **loaded}
        await stage.drop()
        await transaction.rollback()


def _date(month: object) -> dt.date:
    return month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month))
