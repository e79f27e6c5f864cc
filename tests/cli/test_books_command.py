"""`profiling books list|rename` and `profiling ingest ... --book NAME [--new-book]` through
Typer's runner: what they print, and their refusals as one line on stderr, exit 1, nothing
written."""

from __future__ import annotations

from pathlib import Path

import typer.testing
from typer.testing import CliRunner

from cli.main import app
from tests.cli.test_ingest_command import problems, rows, run
from tests.store.ingest.test_sales_books import MAIN_LINES, register

OLD = "Kaveri Distributors"
NEW = "Kaveri Electricals"


def books(database: Path, *arguments: str) -> typer.testing.Result:
    return CliRunner().invoke(
        app, ["books", *arguments], env={"DATABASE_URL": f"sqlite:///{database}"}
    )


def _stored(database: Path) -> list[tuple[object, ...]]:
    return rows(database, "SELECT invoice, amount, book FROM sale_line ORDER BY book")


def test_books_are_listed_and_renamed(tmp_path: Path) -> None:
    database = tmp_path / "profiling.db"
    assert (
        run(
            database, "sales", str(register(tmp_path, "o.csv", MAIN_LINES, OLD)), "--app", "kav"
        ).exit_code
        == 0
    )

    listed = books(database, "list")
    renamed = books(database, "rename", OLD, NEW)

    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[3].split() == [
        "│",
        "kav",
        "│",
        "kaveri",
        "distributors",
        "│",
        "1",
        "│",
        "0",
        "│",
        "1",
        "│",
    ]
    assert renamed.exit_code == 0, renamed.output
    assert renamed.stdout == (
        "Renamed book 'kaveri distributors' of app kav to 'kaveri electricals': 0 ledger "
        "entries and 1 sale line of 1 customer moved\n"
    )
    assert [line[2] for line in _stored(database)] == ["kaveri electricals"]


def test_a_refused_rename_is_one_line(tmp_path: Path) -> None:
    database = tmp_path / "profiling.db"
    run(database, "sales", str(register(tmp_path, "o.csv", MAIN_LINES, OLD)), "--app", "kav")
    run(database, "sales", str(register(tmp_path, "n.csv", MAIN_LINES, NEW)), "--app", "kav")
    before = _stored(database)

    result = books(database, "rename", OLD, NEW)

    assert result.exit_code == 1
    (line,) = problems(result)
    assert line.startswith("error: book 'kaveri electricals' of app kav holds lines of 1 customer")
    assert "Traceback" not in result.output
    assert _stored(database) == before


def test_an_empty_app_is_one_line(tmp_path: Path) -> None:
    result = books(tmp_path / "profiling.db", "rename", OLD, NEW, "--app", "")

    assert result.exit_code == 1
    # Before the database is opened (nor created).
    assert result.stderr == "error: --app is empty: give an app (or leave --app out)\n"
    assert not (tmp_path / "profiling.db").exists()


def test_a_misspelt_book_option_is_one_line_and_new_book_starts_it(tmp_path: Path) -> None:
    database = tmp_path / "profiling.db"
    headless = register(tmp_path, "cut.csv", MAIN_LINES, None)

    refused = run(database, "sales", str(headless), "--app", "kav", "--book", NEW)
    started = run(database, "sales", str(headless), "--app", "kav", "--book", NEW, "--new-book")

    assert refused.exit_code == 1
    assert problems(refused) == [
        f"{headless}: --book {NEW!r}: no book 'kaveri electricals' is stored in app kav (no "
        "named book is stored there); give --new-book as well to start that book (a "
        "company's first load under it)"
    ]
    assert started.exit_code == 0, started.output
    assert _stored(database) == [("7", "50000.00", "kaveri electricals")]


def test_merge_joins_the_doubled_register(tmp_path: Path) -> None:
    database = tmp_path / "profiling.db"
    run(database, "sales", str(register(tmp_path, "o.csv", MAIN_LINES, OLD)), "--app", "kav")
    run(database, "sales", str(register(tmp_path, "n.csv", MAIN_LINES, NEW)), "--app", "kav")

    result = books(database, "rename", OLD, NEW, "--merge")

    assert result.exit_code == 0, result.output
    assert "of the 1 customer both books held, 1 line stored in both dropped" in result.stdout
    assert _stored(database) == [("7", "50000.00", "kaveri electricals")]
