"""The rows of a shared statement are read-only by type. One statement may answer the requests
of a loop turn (store/running/shared_reads.py): each gets a dict of its own keys, but the
records under them are the same objects for all. Nothing mutates them today; a consumer that
sorted or edited them in place would change another request's answer. The records are tuples,
and the rows of an account come as a Sequence: mypy --strict (CI) refuses an in-place edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

REPOSITORY = Path(__file__).resolve().parents[3]

CONSUMER = """
from store.reads.account_metrics import AccountWithMetrics
from store.records import MetricRecord


def {name}(found: AccountWithMetrics, record: MetricRecord) -> None:
    {edit}
"""


def _mypy_errors(tmp_path: Path, name: str, edit: str) -> str:
    module = tmp_path / f"{name}.py"
    module.write_text(CONSUMER.format(name=name, edit=edit))
    stdout, _, _ = api.run(
        [
            "--strict",
            "--follow-imports=silent",
            "--cache-dir",
            str(REPOSITORY / ".mypy_cache"),
            str(module),
        ]
    )
    return stdout


def test_sorting_or_editing_an_accounts_rows_in_place_does_not_type_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPOSITORY)  # the packages are found from the repository, as CI runs mypy
    for name, edit in (
        ("sorts", "found[1].sort()"),
        ("appends", "found[1].append(record)"),
        ("replaces", "found[1][0] = record"),
        ("edits_a_record", "found[1][0].value = record.value"),
    ):
        assert "error" in _mypy_errors(tmp_path, name, edit), name


def test_reading_them_type_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPOSITORY)
    reads = "print(sorted(found[1]), list(found[1]), found[1][0].value, len(found[1]))"
    assert "Success" in _mypy_errors(tmp_path, "reads", reads)
