"""A file with its header row and no row under it loads nothing: not an error (exit 0, as a
reload that changes nothing is not), but the command says so in one line rather than the
counts of an ordinary load (`0 rows read, 0 sale lines written`), which read as if the rows
had been lost. A file with no header at all stays refused (`the file is empty`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

HEADERS = {
    "definitions": "name,unit\n",
    "accounts": "account_id,name\n",
    "metrics": "level,entity_id,metric_name,effective_date,value\n",
    "sales": "Customer,Date,Amount\n",
    "ledger": "Date,Particulars,Vch Type,Vch No.,Debit,Credit\n",
}


@pytest.mark.parametrize("kind", sorted(HEADERS))
def test_a_header_alone_says_there_is_nothing_to_load(
    database_url: str, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(HEADERS[kind], encoding="utf-8")
    result = CliRunner().invoke(
        app, ["ingest", kind, str(path), "--app", "h5"], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == (
        f"{path} (CSV, comma-separated): only a header, no rows under it: nothing to load, "
        f"nothing written"
    )
    # No count of rows that were never there.
    assert not any(": 0 new, 0 changed, 0 unchanged" in line for line in lines), lines


def test_an_empty_file_is_still_refused(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    path.write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["ingest", "sales", str(path)], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 1
    assert "the file is empty" in result.output
