"""`profiling ingest` while another process writes to the same SQLite file: the load waits for
the other's write lock; held longer than the wait (the busy timeout), the load gives up in one
line naming the process that holds the database, exits 1, and has written nothing of the file.
Run again once the other is done, it loads the file whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import engine as database_engine
from tests.cli.test_ingest_command import problems, rows, run
from tests.cli.writer_beside import writer_beside

# What the other process writes while it holds the database.
ADD_APP = "INSERT INTO app VALUES ('beside')"


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    definitions = tmp_path / "definitions.jsonl"
    definitions.write_text('{"name": "revenue", "unit": "euros"}\n', encoding="utf-8")
    industries = tmp_path / "industries.tsv"
    industries.write_text("industry_id\tname\nretail\tRetail\n", encoding="utf-8")
    metrics = tmp_path / "metrics.csv"
    metrics.write_text(
        "level,entity_id,metric_name,effective_date,value\n"
        "industry,retail,revenue,2024-05-01,1.50\nindustry,retail,revenue,2024-06-01,2.50\n",
        encoding="utf-8",
    )
    return definitions, industries, metrics


def test_a_load_held_past_the_wait_names_the_holder_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "profiling.db"
    definitions, industries, metrics = _files(tmp_path)
    for kind, path in [("definitions", definitions), ("industries", industries)]:
        assert run(database, kind, str(path)).exit_code == 0
    monkeypatch.setattr(database_engine, "BUSY_TIMEOUT", 0.5)

    with writer_beside(database, ADD_APP) as holder:
        result = run(database, "metrics", str(metrics))

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    said = problems(result)
    assert len(said) == 1, result.stderr
    assert said[0].startswith(f"error: the SQLite database {database} is locked: another writer ")
    assert f"(process {holder.pid}: " in said[0]
    assert "held it longer than the 0.5 s this one waits" in said[0]
    assert rows(database, "SELECT * FROM metric_value") == []
    # The other writer committed: the same command loads the whole file.
    assert run(database, "metrics", str(metrics)).exit_code == 0
    assert len(rows(database, "SELECT * FROM metric_value")) == 2
    assert rows(database, "SELECT app_id FROM app WHERE app_id = 'beside'") == [("beside",)]


def test_a_load_waits_for_a_writer_that_commits_within_the_wait(tmp_path: Path) -> None:
    """The other process commits while the load waits for it (under the 30 s busy timeout):
    the load then writes the whole file."""
    database = tmp_path / "profiling.db"
    definitions, industries, metrics = _files(tmp_path)
    for kind, path in [("definitions", definitions), ("industries", industries)]:
        assert run(database, kind, str(path)).exit_code == 0
    with writer_beside(database, ADD_APP, seconds=1.5):
        result = run(database, "metrics", str(metrics))

    assert result.exit_code == 0, result.output
    assert len(rows(database, "SELECT * FROM metric_value")) == 2
