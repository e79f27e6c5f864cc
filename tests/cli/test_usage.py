"""A usage mistake of any command (unknown command, option or choice, missing argument, a
value of the wrong type) is one line on stderr and exit status 1; `--help` is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.ingest import IngestKind
from tests.cli.in_process import Finished, profiling_in_process
from tests.cli.test_main import run


def _profiling(tmp_path: Path, *args: str) -> Finished:
    return profiling_in_process(*args, env={"DATABASE_URL": f"sqlite:///{tmp_path / 'u.db'}"})


def _one_line(result: Finished) -> str:
    assert result.returncode == 1, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("ingest", "nonsense", "file.csv"),
            "error: Invalid value for 'KIND': 'nonsense' is not one of 'definitions', "
            "'industries', 'accounts', 'companies', 'contracts', 'metrics', 'sales', 'ledger'. "
            "(see 'profiling ingest --help')",
        ),
        (
            ("ingest", "sales", "file.csv", "--dates", "sideways"),
            "error: Invalid value for '--dates': 'sideways' is not one of 'day-first', "
            "'month-first', 'guess'. (see 'profiling ingest --help')",
        ),
        (
            ("ingest",),
            "error: Missing argument 'KIND'. Choose from: definitions, industries, accounts, "
            "companies, contracts, metrics, sales, ledger (see 'profiling ingest --help')",
        ),
        (
            ("ingest", "sales"),
            "error: Missing argument 'FILE'. (see 'profiling ingest --help')",
        ),
        (
            ("nonsense",),
            "error: No such command 'nonsense'; commands: ingest, slides, serve, demo, segment, "
            "publish, export-schema, keys, books (see 'profiling --help')",
        ),
        (
            ("keys", "nope"),
            "error: No such command 'nope'; commands: create, list, revoke "
            "(see 'profiling keys --help')",
        ),
        (
            ("keys", "create", "--role", "nope"),
            "error: Invalid value for '--role': 'nope' is not one of 'internal', 'app', "
            "'account', 'public'. (see 'profiling keys create --help')",
        ),
        (("--bogus",), "error: No such option: --bogus (see 'profiling --help')"),
        (("slides", "--bogus"), "error: No such option: --bogus (see 'profiling slides --help')"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_a_usage_mistake_is_one_line_saying_what_is_accepted_and_exit_1(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    result = _profiling(tmp_path, *args)

    assert _one_line(result) == said
    assert not (tmp_path / "u.db").exists()


def test_a_wrong_type_of_value_is_one_line_naming_the_option(tmp_path: Path) -> None:
    line = _one_line(_profiling(tmp_path, "serve", "--port", "abc"))
    assert line.startswith("error: Invalid value for '--port': ")
    assert "integer" in line


@given(kind=st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12))
@settings(max_examples=25, deadline=None)
def test_every_unknown_kind_is_one_line_listing_the_kinds(
    tmp_path_factory: pytest.TempPathFactory, kind: str
) -> None:
    if kind in {k.value for k in IngestKind} or kind.startswith("-"):
        return
    line = _one_line(_profiling(tmp_path_factory.mktemp("kind"), "ingest", kind, "f.csv"))
    assert repr(kind) in line
    assert all(repr(k.value) in line for k in IngestKind)


@pytest.mark.parametrize("args", [(), ("keys",), ("books",)])
def test_a_group_called_without_a_command_still_shows_its_help(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = _profiling(tmp_path, *args)
    assert "Usage: " in result.stdout + result.stderr
    assert "Commands:" in result.stdout + result.stderr


def test_the_installed_command_says_a_bad_choice_in_one_line(tmp_path: Path) -> None:
    result = run(
        "ingest",
        "sales",
        str(tmp_path / "f.csv"),
        "--dates",
        "sideways",
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'u.db'}"},
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: Invalid value for '--dates': 'sideways' is not one of 'day-first', "
        "'month-first', 'guess'. (see 'profiling ingest --help')\n"
    )
