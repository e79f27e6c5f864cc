"""`profiling demo` run again over the demo as the last run left it: it generated the whole
demo and read every row of it back (about 10 s of CPU on the full demo) to add nothing. It now
says so at once from what the last run recorded (demo/stamp.py); a changed demo file, scale or
month, or a deleted row, still makes it check and write the demo, and `--check` restores a
row edited in place. The command runs in process (tests/cli/in_process.py): test_main.py runs
`demo` through the console script."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import demo.stamp
from demo.stamp import demo_fingerprint
from tests.cli.in_process import profiling_in_process

SCALE = "0.02"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PROFILING_TODAY": "2024-03-10"}


def _database(env: dict[str, str]) -> sqlite3.Connection:
    return sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"))


def _demo(env: dict[str, str], *args: str) -> str:
    result = profiling_in_process("demo", "--scale", SCALE, *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_a_rerun_over_the_demo_as_left_adds_nothing_without_checking(
    env: dict[str, str],
) -> None:
    _demo(env)
    output = _demo(env)
    assert "Checking demo data" not in output
    assert "Demo data was loaded already (2 apps, 12 industries" in output
    assert "): nothing added" in output


def test_a_new_month_is_checked_and_added(env: dict[str, str]) -> None:
    _demo(env)
    output = _demo({**env, "PROFILING_TODAY": "2024-04-10"})
    assert "Checking demo data" in output
    assert "rows added" in output
    assert "Checking demo data" not in _demo({**env, "PROFILING_TODAY": "2024-04-10"})


def test_a_deleted_row_is_checked_and_restored(env: dict[str, str]) -> None:
    _demo(env)
    with _database(env) as database:
        before = database.execute("SELECT count(*) FROM sale_line").fetchone()
        database.execute("DELETE FROM sale_line WHERE rowid = (SELECT min(rowid) FROM sale_line)")
    output = _demo(env)
    assert "Checking demo data" in output
    assert "1 row added" in output
    with _database(env) as database:
        assert database.execute("SELECT count(*) FROM sale_line").fetchone() == before


def test_check_restores_a_row_edited_in_place(env: dict[str, str]) -> None:
    _demo(env)
    with _database(env) as database:
        account, name = database.execute(
            "SELECT account_id, name FROM account ORDER BY account_id LIMIT 1"
        ).fetchone()
        database.execute(
            "UPDATE account SET name = 'Renamed by hand' WHERE account_id = ?", [account]
        )
    # The counts are as the last run left them: only --check reads the rows back.
    assert "Checking demo data" not in _demo(env)
    assert "Checking demo data" in _demo(env, "--check")
    with _database(env) as database:
        found = database.execute("SELECT name FROM account WHERE account_id = ?", [account])
        assert found.fetchone() == (name,)


def test_a_changed_demo_file_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    today = dt.date(2024, 3, 10)
    sources = tmp_path / "demo"
    shutil.copytree(Path(demo.stamp.__file__).parent, sources)
    monkeypatch.setattr(demo.stamp, "_SOURCES", sources)
    as_shipped = demo_fingerprint(today=today, scale=1.0)
    assert demo_fingerprint(today=today, scale=1.0) == as_shipped
    catalog = sources / "catalog.py"
    catalog.write_text(catalog.read_text() + "\n# a changed demo file\n")
    changed = demo_fingerprint(today=today, scale=1.0)
    assert changed != as_shipped
    assert demo_fingerprint(today=today, scale=0.5) not in {as_shipped, changed}
    assert demo_fingerprint(today=dt.date(2024, 4, 10), scale=1.0) != changed
