"""Every kind of file loads, in CSV (comma, semicolon, tab) and JSON Lines, with what it says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestRejected
from tests.store.ingest.support import (
    FORMATS,
    load,
    load_text,
    seed_entities,
    table_rows,
    write_file,
)


@pytest.mark.parametrize("file_format", FORMATS)
async def test_every_kind_loads_in_every_format(
    engine: AsyncEngine, tmp_path: Path, file_format: str
) -> None:
    def write(name: str, header: list[str], rows: list[list[object]]) -> Path:
        return write_file(tmp_path, name, file_format, header, rows)

    jsonl = file_format == "jsonl"
    await load(
        engine,
        IngestKind.DEFINITIONS,
        write(
            "definitions",
            ["name", "unit", "description", "higher_is_better", "aggregation"],
            [
                ["revenue", "euros", "Monthly revenue", None, "SUM"],
                ["churn", "%", None, False if jsonl else "no", None],
            ],
        ),
    )
    await load(
        engine,
        IngestKind.INDUSTRIES,
        write("industries", ["industry_id", "name"], [["retail", "Retail"], ["energy", "Energy"]]),
    )
    await load(
        engine,
        IngestKind.ACCOUNTS,
        write(
            "accounts",
            ["account_id", "name", "industry", "is_key_account", "n_employees", "app"],
            [
                ["007", "Acme", "retail", True if jsonl else "Yes", 12 if jsonl else "12", "ksa"],
                ["A2", "Beta", None, None, None, None],
            ],
        ),
        app="uae",
    )
    await load(
        engine,
        IngestKind.COMPANIES,
        write(
            "companies",
            ["company_id", "account_id", "name", "industry", "n_employees"],
            [
                ["C1", "007", "Acme North", "energy", 0 if jsonl else "0"],
                ["C2", "A2", "Beta", None, None],
            ],
        ),
    )
    await load(
        engine,
        IngestKind.CONTRACTS,
        write(
            "contracts",
            ["contract_id", "company_id", "name", "start_date", "end_date"],
            [
                ["K1", "C1", "Support", "2023-01-01", "2024-12-31"],
                ["K2", "C2", "Audit", None, None],
            ],
        ),
    )
    metrics = await load(
        engine,
        IngestKind.METRICS,
        write(
            "metrics",
            ["level", "entity_id", "metric_name", "effective_date", "value"],
            [
                ["account", "007", "revenue", "2024-03-17", "15000.0"],
                ["company", "C1", "churn", "2024-03", "-0.125"],
                ["contract", "K1", "revenue", "2024-02-29", "1e3"],
                ["industry", "retail", "churn", "2024-01-01", "0.333333333333333333333333"],
            ],
        ),
    )

    assert metrics.rows_read == metrics.rows_written == 4
    assert await table_rows(engine, "metric_definition") == [
        ("churn", "%", "", False, "mean", None, None),
        ("revenue", "euros", "Monthly revenue", True, "sum", None, None),
    ]
    assert await table_rows(engine, "industry") == [("energy", "Energy"), ("retail", "Retail")]
    assert await table_rows(engine, "app") == [("ksa",), ("uae",)]
    assert await table_rows(engine, "account") == [
        ("007", "ksa", "Acme", "retail", True, 12),
        ("A2", "uae", "Beta", None, False, None),
    ]
    assert await table_rows(engine, "company") == [
        ("C1", "007", "Acme North", "energy", 0),
        ("C2", "A2", "Beta", None, None),
    ]
    assert await table_rows(engine, "contract") == [
        ("K1", "C1", "Support", dt.date(2023, 1, 1), dt.date(2024, 12, 31)),
        ("K2", "C2", "Audit", None, None),
    ]
    assert await table_rows(engine, "metric_value") == [
        ("account", "007", "revenue", dt.date(2024, 3, 1), Decimal("15000.0")),
        ("company", "C1", "churn", dt.date(2024, 3, 1), Decimal("-0.125")),
        ("contract", "K1", "revenue", dt.date(2024, 2, 1), Decimal("1000")),
        ("industry", "retail", "churn", dt.date(2024, 1, 1), Decimal("0.333333333333333333333333")),
    ]


async def test_values_keep_their_digits(engine: AsyncEngine, tmp_path: Path) -> None:
    await seed_entities(engine, tmp_path)
    await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value\n"
        "account,A1,revenue,2024-01-05,15000.0\n"
        "account,A2,revenue,2024-01-05,15000.00\n",
    )
    values = [row[-1] for row in await table_rows(engine, "metric_value")]
    assert [str(value) for value in values] == ["15000.0", "15000.00"]


async def test_json_numbers_are_read_exactly_not_as_floats(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_entities(engine, tmp_path)
    await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        '{"level": "account", "entity_id": "A1", "metric_name": "revenue", '
        '"effective_date": "2024-01", "value": 0.1000000000000000055511151231257827}\n'
        '{"level": "account", "entity_id": "A2", "metric_name": "revenue", '
        '"effective_date": "2024-01", "value": 12345678901234567890123}\n',
        name="metrics.jsonl",
    )
    values = [row[-1] for row in await table_rows(engine, "metric_value")]
    assert values == [
        Decimal("0.1000000000000000055511151231257827"),
        Decimal("12345678901234567890123"),
    ]


@pytest.mark.parametrize(
    "written",
    [
        "2024-03-17",
        "2024-03",
        "2024/03/05",
        "2024/3",
        "2024-03-31T23:59:00",
        "2024-03-01 08:00",
        "2024-3-9",
    ],
)
async def test_effective_dates_are_stored_as_the_first_of_their_month(
    engine: AsyncEngine, tmp_path: Path, written: str
) -> None:
    await seed_entities(engine, tmp_path)
    await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        f"level,entity_id,metric_name,effective_date,value\naccount,A1,revenue,{written},1\n",
    )
    assert [row[3] for row in await table_rows(engine, "metric_value")] == [dt.date(2024, 3, 1)]


async def test_loose_column_names_are_matched_and_extra_columns_reported(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.ACCOUNTS,
        "\ufeffAccount ID;NAME;Industry_Id;is-key-account;N Employees;AppId;Comment\n"
        "A1;Acme;retail;TRUE;3;ksa;first customer\n",
    )
    assert report.columns == {
        "account_id": "Account ID",
        "name": "NAME",
        "industry": "Industry_Id",
        "is_key_account": "is-key-account",
        "n_employees": "N Employees",
        "app": "AppId",
    }
    assert report.ignored_columns == ["Comment"]
    assert report.file_format == "CSV, semicolon-separated"
    assert report.created == {"apps": ["ksa"], "industries": ["retail"]}
    assert await table_rows(engine, "account") == [("A1", "ksa", "Acme", "retail", True, 3)]


async def test_json_lines_keys_are_matched_like_csv_headers(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.INDUSTRIES,
        '{"Industry-ID": "retail", "Name": "Retail", "notes": "x"}\n'
        "\n"
        '{"Industry-ID": "energy", "Name": "Energy"}\n',
        name="industries.ndjson",
    )
    assert report.columns == {"industry_id": "Industry-ID", "name": "Name"}
    assert report.ignored_columns == ["notes"]
    assert report.file_format == "JSON Lines"
    assert report.rows_read == 2


async def test_json_lines_are_recognised_by_content(engine: AsyncEngine, tmp_path: Path) -> None:
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.INDUSTRIES,
        '{"industry_id": "retail", "name": "Retail"}\n',
        name="data.txt",
    )
    assert report.file_format == "JSON Lines"
    assert await table_rows(engine, "industry") == [("retail", "Retail")]


async def test_account_app_comes_from_its_row_then_the_option_then_default(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    text = "account_id,name,app\nA1,Acme,ksa\nA2,Beta,\n"
    await load_text(engine, tmp_path, IngestKind.ACCOUNTS, text)
    assert [row[:2] for row in await table_rows(engine, "account")] == [
        ("A1", "ksa"),
        ("A2", "default"),
    ]
    path = tmp_path / "more.csv"
    path.write_text("account_id,name,app\nA3,Gamma,ksa\nA4,Delta,\n")
    report = await load(engine, IngestKind.ACCOUNTS, path, app="uae")
    assert report.created == {"apps": ["uae"], "industries": []}
    assert [row[:2] for row in await table_rows(engine, "account")] == [
        ("A1", "ksa"),
        ("A2", "default"),
        ("A3", "ksa"),
        ("A4", "uae"),
    ]
    assert await table_rows(engine, "app") == [("default",), ("ksa",), ("uae",)]


async def test_a_load_never_moves_an_account_to_another_app(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await load_text(engine, tmp_path, IngestKind.ACCOUNTS, "account_id,name\nA2,Beta\n")
    before = await table_rows(engine, "account")
    with pytest.raises(IngestRejected) as caught:
        await load(engine, IngestKind.ACCOUNTS, tmp_path / "accounts.csv", app="uae")
    assert [str(problem) for problem in caught.value.problems] == [
        "line 2: account 'A2' belongs to app 'default'; this row would move it to app 'uae' "
        "(a load never moves anything from one app to another)"
    ]
    assert await table_rows(engine, "account") == before


async def test_unknown_industries_of_companies_are_created_named_after_their_id(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_entities(engine, tmp_path)
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.COMPANIES,
        "company_id,account_id,name,industry\nC3,A1,Gamma,mining\nC4,A1,Delta,retail\nC5,A2,Eps,mining\n",
    )
    assert report.created == {"industries": ["mining"]}
    assert await table_rows(engine, "industry") == [
        ("energy", "Energy"),
        ("mining", "mining"),
        ("retail", "Retail"),
    ]


async def test_a_unit_column_defines_new_metrics(engine: AsyncEngine, tmp_path: Path) -> None:
    await seed_entities(engine, tmp_path)
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value,unit\n"
        "account,A1,visits,2024-01,3,\n"
        "account,A1,revenue,2024-01,10,euros\n"
        "account,A2,visits,2024-01,4, Count \n"
        "account,A1,wait,2024-01,4.5,h\n"
        "account,A2,wait,2024-01,2,hours\n",
    )
    assert report.created == {"metric definitions": ["visits", "wait"]}
    definitions = await table_rows(engine, "metric_definition")
    # Units are kept as the first row wrote them, trimmed; later rows may spell them otherwise.
    assert ("visits", "Count", "", True, "mean", None, None) in definitions
    assert ("wait", "h", "", True, "mean", None, None) in definitions
    # revenue was defined by seed_entities: its unit stays as it was.
    assert ("revenue", "EUR", "", True, "mean", None, None) in definitions
    assert len(await table_rows(engine, "metric_value")) == 5


async def test_a_file_with_only_a_header_loads_nothing(engine: AsyncEngine, tmp_path: Path) -> None:
    report = await load_text(engine, tmp_path, IngestKind.INDUSTRIES, "industry_id,name\n\n")
    assert (report.rows_read, report.rows_written) == (0, 0)
    assert await table_rows(engine, "industry") == []


async def test_the_summary_says_what_was_done(engine: AsyncEngine, tmp_path: Path) -> None:
    report = await load_text(
        engine, tmp_path, IngestKind.ACCOUNTS, "account_id\tname\tindustry\nA1\tAcme\tretail\n"
    )
    assert report.summary() == (
        f"{tmp_path / 'accounts.csv'} (CSV, tab-separated): 1 row read, 1 account written, "
        "1 new app, 1 new industry"
    )
