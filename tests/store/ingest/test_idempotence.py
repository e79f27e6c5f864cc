"""Loading a file twice changes nothing; a column a file lacks is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind
from tests.store.ingest.support import FORMATS, all_tables, load, table_rows, write_file


def _files(folder: Path, file_format: str) -> list[tuple[IngestKind, Path]]:
    def write(name: str, header: list[str], rows: list[list[object]]) -> Path:
        return write_file(folder, name, file_format, header, rows)

    return [
        (
            IngestKind.DEFINITIONS,
            write(
                "definitions",
                ["name", "unit", "higher_is_better", "aggregation"],
                [["revenue", "EUR", "true", "sum"], ["wait", "minutes", "false", "median"]],
            ),
        ),
        (
            IngestKind.INDUSTRIES,
            write("industries", ["industry_id", "name"], [["retail", "Retail"]]),
        ),
        (
            IngestKind.ACCOUNTS,
            write(
                "accounts",
                ["account_id", "name", "industry", "is_key_account", "n_employees"],
                [["A1", "Acme", "retail", "yes", "10"], ["A2", "Beta", "mining", "no", None]],
            ),
        ),
        (
            IngestKind.COMPANIES,
            write(
                "companies",
                ["company_id", "account_id", "name", "industry"],
                [["C1", "A1", "Acme", "energy"]],
            ),
        ),
        (
            IngestKind.CONTRACTS,
            write(
                "contracts",
                ["contract_id", "company_id", "name", "start_date"],
                [["K1", "C1", "Support", "2024-01-01"]],
            ),
        ),
        (
            IngestKind.METRICS,
            write(
                "metrics",
                ["level", "entity_id", "metric_name", "effective_date", "value", "unit"],
                [
                    ["account", "A1", "revenue", "2024-01-09", "1500.50", None],
                    ["company", "C1", "wait", "2024-01", "-3", None],
                    ["contract", "K1", "visits", "2024-02-03", "12", "count"],
                    ["industry", "mining", "revenue", "2024-01", "0.0001", "EUR"],
                ],
            ),
        ),
    ]


@pytest.mark.parametrize("file_format", FORMATS)
async def test_loading_the_same_files_twice_changes_nothing(
    engine: AsyncEngine, tmp_path: Path, file_format: str
) -> None:
    files = _files(tmp_path, file_format)
    for kind, path in files:
        await load(engine, kind, path)
    first = await all_tables(engine)
    assert all(first.values()), first
    for kind, path in files:
        report = await load(engine, kind, path)
        assert all(not names for names in report.created.values()), report.created
    assert await all_tables(engine) == first


async def test_a_column_the_file_lacks_keeps_its_value(engine: AsyncEngine, tmp_path: Path) -> None:
    full = write_file(
        tmp_path,
        "full",
        "comma",
        ["account_id", "name", "industry", "is_key_account", "n_employees"],
        [["A1", "Acme", "retail", "yes", "10"]],
    )
    renamed = write_file(tmp_path, "renamed", "comma", ["account_id", "name"], [["A1", "Acme Ltd"]])
    await load(engine, IngestKind.ACCOUNTS, full, app="ksa")
    await load(engine, IngestKind.ACCOUNTS, renamed, app="ksa")
    assert await table_rows(engine, "account") == [("A1", "ksa", "Acme Ltd", "retail", True, 10)]


async def test_a_definitions_file_without_optional_columns_keeps_them(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    full = write_file(
        tmp_path,
        "full",
        "comma",
        ["name", "unit", "description", "higher_is_better", "aggregation"],
        [["wait", "min", "Waiting time", "false", "median"]],
    )
    unit_only = write_file(tmp_path, "unit_only", "comma", ["name", "unit"], [["wait", "hours"]])
    await load(engine, IngestKind.DEFINITIONS, full)
    await load(engine, IngestKind.DEFINITIONS, unit_only)
    assert await table_rows(engine, "metric_definition") == [
        ("wait", "hours", "Waiting time", False, "median", None, None)
    ]


async def test_an_empty_optional_cell_sets_the_default(engine: AsyncEngine, tmp_path: Path) -> None:
    first = write_file(
        tmp_path, "first", "comma", ["account_id", "name", "n_employees"], [["A1", "Acme", "10"]]
    )
    cleared = write_file(
        tmp_path, "cleared", "comma", ["account_id", "name", "n_employees"], [["A1", "Acme", ""]]
    )
    await load(engine, IngestKind.ACCOUNTS, first)
    await load(engine, IngestKind.ACCOUNTS, cleared)
    assert await table_rows(engine, "account") == [("A1", "default", "Acme", None, False, None)]


async def test_industries_created_on_the_side_never_rename_real_ones(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    industries = write_file(
        tmp_path, "industries", "comma", ["industry_id", "name"], [["retail", "Retail"]]
    )
    accounts = write_file(
        tmp_path,
        "accounts",
        "comma",
        ["account_id", "name", "industry"],
        [["A1", "Acme", "retail"]],
    )
    await load(engine, IngestKind.INDUSTRIES, industries)
    report = await load(engine, IngestKind.ACCOUNTS, accounts)
    assert report.created["industries"] == []
    assert await table_rows(engine, "industry") == [("retail", "Retail")]


async def test_new_values_replace_old_ones_of_the_same_month(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    definitions = write_file(
        tmp_path, "definitions", "comma", ["name", "unit"], [["revenue", "EUR"]]
    )
    industries = write_file(
        tmp_path, "industries", "comma", ["industry_id", "name"], [["retail", "R"]]
    )
    header = ["level", "entity_id", "metric_name", "effective_date", "value"]
    january = write_file(
        tmp_path, "january", "comma", header, [["industry", "retail", "revenue", "2024-01-02", "1"]]
    )
    corrected = write_file(
        tmp_path,
        "corrected",
        "comma",
        header,
        [["industry", "retail", "revenue", "2024-01-30", "2.50"]],
    )
    for kind, path in [
        (IngestKind.DEFINITIONS, definitions),
        (IngestKind.INDUSTRIES, industries),
        (IngestKind.METRICS, january),
        (IngestKind.METRICS, corrected),
    ]:
        await load(engine, kind, path)
    rows = await table_rows(engine, "metric_value")
    assert [(str(row[3]), str(row[4])) for row in rows] == [("2024-01-01", "2.50")]
