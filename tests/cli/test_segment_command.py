"""`profiling ingest sales|ledger ... --column` and `profiling segment`, through Typer's runner
on a throwaway SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "profiling.db"


def run(database: Path, *arguments: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        app, list(arguments), env={"DATABASE_URL": f"sqlite:///{database}", **(env or {})}
    )


def rows(database: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


@pytest.fixture
def loaded(database: Path, tmp_path: Path) -> Path:
    sales = tmp_path / "sales.csv"
    sales.write_text(
        "Sales Register\n"
        "Date;Party;Bill No;Amount;Margin\n"
        "01/02/2024;007;B1;1.000,00;100\n"
        "15/02/2024;008;B2;250,50;20\n"
        "15/05/2024;007;B3;80,00;\n",
        encoding="utf-8",
    )
    result = run(database, "ingest", "sales", str(sales), "--app", "ksa", "--column", "profit=")
    assert result.exit_code == 0, result.output
    return sales


def test_ingest_prints_what_it_took_for_what(database: Path, loaded: Path) -> None:
    result = run(database, "ingest", "sales", str(loaded), "--app", "ksa", "--column", "profit=")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "Columns of sales.csv:",
        "  date <- Date",
        "  customer <- Party",
        "  invoice <- Bill No",
        "  amount <- Amount",
    ]
    assert "Ignored columns: Margin" in lines
    assert "Dates read day first (DD/MM/YYYY)" in lines
    assert "Amounts read with a decimal comma (1.234,50)" in lines
    assert (
        "Segments of app ksa: 2 accounts with sales over 2 quarters, 0 with ledger entries" in lines
    )
    assert lines[-1] == (
        "sales.csv (CSV, semicolon-separated, header on line 2): 3 rows read, nothing written, "
        "3 sale lines unchanged"
    )
    assert rows(database, "select account_id, app_id from account order by 1") == [
        ("007", "ksa"),
        ("008", "ksa"),
    ]
    assert rows(database, "select count(*) from sale_line") == [(3,)]


def test_a_malformed_column_option_is_refused(database: Path, loaded: Path) -> None:
    result = run(database, "ingest", "sales", str(loaded), "--column", "amount")
    assert result.exit_code == 1
    assert "write it as ROLE=COLUMN" in result.stderr
    result = run(database, "ingest", "sales", str(loaded), "--column", "price=Amount")
    assert result.exit_code == 1
    assert "there is no column role 'price'" in result.stderr


def test_segment_recomputes_with_the_options_given(database: Path, loaded: Path) -> None:
    result = run(database, "segment", "--clusters", "1", "--payment-terms-days", "30")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Segments of app ksa: 2 accounts with sales over 2 quarters, 0 with ledger entries"
    ]
    # The next load would undo an option that differs from the environment: it says so (the
    # payment terms given are the environment's own).
    assert result.stderr.splitlines()[-1] == (
        "Note: the next load of sales or ledger data recomputes these apps with the "
        "environment's settings; to keep these options, set PROFILING_SEGMENT_CLUSTERS=1"
    )
    assert {row[0] for row in rows(database, "select frequency_segment from quarter_segment")} == {
        "AVERAGE"
    }
    result = run(database, "segment", "--app", "ksa", env={"PROFILING_RECENT_QUARTERS": "4"})
    assert result.exit_code == 0, result.output
    assert rows(database, "select account_id, is_recent from sales_profile order by 1") == [
        ("007", 1),
        ("008", 1),
    ]


@pytest.mark.parametrize(
    ("arguments", "env", "reason"),
    [
        (("segment", "--app", "nowhere"), {}, "there is no app 'nowhere'"),
        (("segment", "--clusters", "0"), {}, "between 1 and 50"),
        (("segment",), {"PROFILING_LOW_RISK_SCORE": "x"}, "PROFILING_LOW_RISK_SCORE must be"),
        (("segment", "--high-risk-score", "90"), {}, "high-risk score <= low-risk score"),
    ],
)
def test_segment_refusals_exit_1_with_one_line(
    database: Path, loaded: Path, arguments: tuple[str, ...], env: dict[str, str], reason: str
) -> None:
    result = run(database, *arguments, env=env)
    assert result.exit_code == 1
    assert reason in result.stderr
    # One line of reason, after the line that says which database (when it got that far).
    lines = result.stderr.strip().splitlines()
    assert len([line for line in lines if not line.startswith("Database: ")]) == 1
