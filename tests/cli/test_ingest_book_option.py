"""`profiling ingest sales|ledger FILE --book NAME` through Typer's runner: a renamed company's
register loads into the stored book (its note names both names), and the option's misuses are
one line on stderr, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_ingest_command import problems, rows, run
from tests.store.ingest.test_sales_books import MAIN_LINES, register

OLD = "Kaveri Distributors"
NEW = "Kaveri Electricals"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "profiling.db"


def test_a_renamed_companys_register_loads_into_the_old_book(
    database: Path, tmp_path: Path
) -> None:
    old = register(tmp_path, "old.csv", MAIN_LINES, OLD)
    new = register(tmp_path, "new.csv", MAIN_LINES, NEW)
    assert run(database, "sales", str(old), "--app", "kav").exit_code == 0

    result = run(database, "sales", str(new), "--app", "kav", "--book", OLD)

    assert result.exit_code == 0, result.output
    assert f"Book: {OLD!r} (--book; in place of {NEW!r}" in result.stdout
    assert rows(database, "SELECT invoice, book FROM sale_line") == [("7", "kaveri distributors")]


@pytest.mark.parametrize("given", ["", "  ", "..."])
@pytest.mark.parametrize("kind", ["sales", "ledger"])
def test_a_book_naming_no_company_is_one_line(
    database: Path, tmp_path: Path, kind: str, given: str
) -> None:
    path = register(tmp_path, "new.csv", MAIN_LINES, NEW)

    result = run(database, kind, str(path), "--app", "kav", "--book", given)

    assert result.exit_code == 1
    assert problems(result) == [
        f"--book {given!r} names no company: give the company whose books the file is of, as "
        "its exports' titles print it (a renamed company's old name), or leave --book out to "
        "take the title's"
    ]
    assert "Traceback" not in result.output


def test_a_book_for_another_kind_is_one_line(database: Path, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name,industry\nA1,Acme,retail\n", encoding="utf-8")

    result = run(database, "accounts", str(path), "--book", OLD)

    assert result.exit_code == 1
    assert problems(result) == [
        "--book names the company whose books sales and ledger files are of; accounts files "
        "are of no book"
    ]
