"""`profiling ingest sales|ledger ... --column` and `profiling segment`, through Typer's runner
on a throwaway SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from tests.cli.writer_beside import writer_beside


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
        f"Columns of {loaded}:",
        "  date <- Date",
        "  customer <- Party",
        "  invoice <- Bill No",
        "  amount <- Amount",
    ]
    assert "Ignored columns: Margin" in lines
    assert "Dates read day first (DD/MM/YYYY): '15/02/2024' reads only day first" in lines
    assert "Amounts read with a decimal comma (1.234,50)" in lines
    assert (
        "Segments of app ksa: 2 accounts with sales over 2 quarters, 0 with ledger entries" in lines
    )
    assert lines[-1] == (
        f"{loaded} (CSV, semicolon-separated, header on line 2): 3 rows read, nothing written, "
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


def _q1_monetary_segments(database: Path) -> list[tuple[object, ...]]:
    return rows(
        database,
        "select account_id, monetary_segment from quarter_segment where quarter = '2024-Q1' "
        "order by 1",
    )


def test_segment_options_are_kept_for_later_loads_until_reset(database: Path, loaded: Path) -> None:
    # 007 and 008 spent 1,000 and 250.50 in 2024-Q1: two clusters by default.
    assert _q1_monetary_segments(database) == [("007", "HIGH_VALUE"), ("008", "BELOW_AVERAGE")]
    result = run(database, "segment", "--clusters", "1", "--payment-terms-days", "30")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Segments of app ksa: 2 accounts with sales over 2 quarters, 0 with ledger entries "
        "(options kept for the app: --clusters 1 --payment-terms-days 30)"
    ]
    assert "Note:" not in result.stderr
    assert _q1_monetary_segments(database) == [("007", "AVERAGE"), ("008", "AVERAGE")]

    # The next load recomputes the app with the options kept, and says which.
    again = run(database, "ingest", "sales", str(loaded), "--app", "ksa", "--column", "profit=")
    assert again.exit_code == 0, again.output
    assert (
        "Segments of app ksa: 2 accounts with sales over 2 quarters, 0 with ledger entries "
        "(options kept for the app: --clusters 1 --payment-terms-days 30)"
    ) in again.stdout.splitlines()
    assert _q1_monetary_segments(database) == [("007", "AVERAGE"), ("008", "AVERAGE")]

    # Without options, `segment` keeps them too; an option given later replaces its own only.
    result = run(database, "segment", "--app", "ksa", "--recent-quarters", "4")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].endswith(
        "(options kept for the app: --clusters 1 --recent-quarters 4 --payment-terms-days 30)"
    )

    reset = run(database, "segment", "--app", "ksa", "--reset")
    assert reset.exit_code == 0, reset.output
    assert reset.stdout.splitlines() == [
        "Segments of app ksa: 2 accounts with sales over 2 quarters, 0 with ledger entries"
    ]
    assert (
        "Options forgotten: app ksa takes the environment's settings and the defaults"
        in reset.stderr
    )
    assert _q1_monetary_segments(database) == [("007", "HIGH_VALUE"), ("008", "BELOW_AVERAGE")]
    assert rows(database, "select * from segment_setting") == []


def test_segment_uses_the_environment_without_options(database: Path, loaded: Path) -> None:
    result = run(database, "segment", "--app", "ksa", env={"PROFILING_RECENT_QUARTERS": "4"})
    assert result.exit_code == 0, result.output
    assert rows(database, "select account_id, is_recent from sales_profile order by 1") == [
        ("007", 1),
        ("008", 1),
    ]
    assert rows(database, "select * from segment_setting") == []


def test_kept_options_at_odds_with_the_environment_fail_a_load_with_one_line(
    database: Path, loaded: Path
) -> None:
    assert run(database, "segment", "--low-risk-score", "50").exit_code == 0
    env = {"PROFILING_HIGH_RISK_SCORE": "60", "PROFILING_LOW_RISK_SCORE": "80"}
    result = run(
        database, "ingest", "sales", str(loaded), "--app", "ksa", "--column", "profit=", env=env
    )
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(
            "app ksa's segment options (--low-risk-score 50) do not fit with the environment's "
            "settings"
        )
    )


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


def test_segment_of_an_app_another_process_is_adding_waits_for_it(
    database: Path, loaded: Path
) -> None:
    """`segment --app` reads the apps, then keeps its options and writes: it waits for the
    process adding the app (SQLite's write lock), where it read before and found no such app."""
    with writer_beside(database, "INSERT INTO app VALUES ('late')", seconds=1.5):
        result = run(database, "segment", "--app", "late")
    assert result.exit_code == 0, result.output
