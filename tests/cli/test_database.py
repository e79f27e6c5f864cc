"""Which database a command uses, and one line, never a traceback, when it cannot be used:
`profiling` against real SQLite files and a real PostgreSQL server. The first test and the
PostgreSQL ones run the installed console script in a subprocess; the other SQLite ones run
the same command in process (tests/cli/in_process.py), at a tenth of the CPU."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, make_url, text

from settings import normalize_database_url
from store.engine import create_engine
from tests.cli.in_process import Finished, profiling_in_process
from tests.cli.test_main import PROFILING, _free_port, run
from tests.store.test_migrate import _migrate_to

TODAY = {"PROFILING_TODAY": "2024-03-10"}
# A command that writes whatever the database holds, so creates a missing one (`keys list`
# and the other commands that only read do not: test_reading_commands_create_no_database).
CREATES = ("keys", "create", "--role", "public", "--name", "probe")


def _lines(stderr: str) -> list[str]:
    return stderr.strip().splitlines()


def assert_refused(result: subprocess.CompletedProcess[str] | Finished, *reasons: str) -> str:
    """Exit status 1; stderr is the database line, the line saying what long work started
    (output captured: no progress bar), and one line of error, no traceback."""
    lines = [line for line in _lines(result.stderr) if not line.endswith("...")]
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) <= 2, result.stderr
    assert lines[-1].startswith("error: "), result.stderr
    for reason in reasons:
        assert reason in lines[-1], result.stderr
    return lines[-1]


# SQLite ------------------------------------------------------------------------------------


def test_a_new_sqlite_database_is_named_with_its_absolute_path_and_created(
    tmp_path: Path,
) -> None:
    env = {**TODAY, "DATABASE_URL": "sqlite:///relative.db"}
    first = subprocess.run(
        [PROFILING, *CREATES],
        env={**os.environ, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    expected = f"Database: sqlite+aiosqlite:///{tmp_path / 'relative.db'}"
    assert _lines(first.stderr)[0] == f"{expected} (it does not exist yet: creating it)"
    assert (tmp_path / "relative.db").exists()
    again = subprocess.run(
        [PROFILING, "keys", "list"],
        env={**os.environ, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert _lines(again.stderr) == [expected]


# Commands that change nothing in an empty database, with what they answer on one.
READING_COMMANDS = (
    (
        ("publish", "--month", "2024-01"),
        "error: no account-level metric values of accounts "
        "with an industry in 2024-01: nothing to publish",
    ),
    (
        ("publish", "--month", "2024-01", "--revise"),
        "error: 2024-01 is not published yet: publish it without --revise",
    ),
    (("keys", "list"), None),
    (("keys", "revoke", "nope"), "error: no active key 'nope'"),
    (("segment",), None),
    (("segment", "--app", "x"), "error: there is no app 'x'"),
    (("slides", "--account", "A1", "--output", "deck.pptx"), "error: there is no account 'A1'"),
    # An app or account key names stored data: refused on an empty database, and none made.
    (("keys", "create", "--role", "app", "--app", "x"), "error: no app 'x'; known apps: none"),
    (("keys", "create", "--role", "account", "--account", "A1"), "error: no account 'A1'"),
)


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        (("--role", "app"), "an app key needs --app APP (and no --account)"),
        (("--role", "account"), "an account key needs --account ACCOUNT_ID"),
        (("--role", "public", "--app", "x"), "a public key takes neither --app nor --account"),
    ],
)
def test_a_key_refused_for_its_options_opens_no_database(
    tmp_path: Path, args: tuple[str, ...], answer: str
) -> None:
    """Checked before the database is named or opened: one line, and no file left behind."""
    path = tmp_path / "new.db"
    result = profiling_in_process(
        "keys", "create", *args, env={**TODAY, "DATABASE_URL": f"sqlite:///{path}"}, cwd=tmp_path
    )
    assert result.returncode == 1
    assert _lines(result.stderr) == [f"error: {answer}"]
    assert sorted(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "answer"), READING_COMMANDS)
def test_reading_commands_create_no_database(
    tmp_path: Path, args: tuple[str, ...], answer: str | None
) -> None:
    # A user asking on a mistyped path, or before loading anything, gets the answer of an
    # empty database, and no new file is left behind to be taken for theirs.
    path = tmp_path / "new.db"
    result = profiling_in_process(
        *args, env={**TODAY, "DATABASE_URL": f"sqlite:///{path}"}, cwd=tmp_path
    )
    assert _lines(result.stderr)[0] == (
        f"Database: sqlite+aiosqlite:///{path} (it does not exist yet: read as empty, not created)"
    )
    if answer is None:
        assert result.returncode == 0, result.stderr
    else:
        assert_refused(result, answer.removeprefix("error: "))
        assert _lines(result.stderr)[-1] == answer
    assert sorted(tmp_path.iterdir()) == []


# A definitions file refused for its columns (an invoice export given as definitions).
REFUSED_DEFINITIONS = "Invoice Date,Customer Name,Total\n2024-03-01,Anand,1200\n"


def _refused_for_columns(result: subprocess.CompletedProcess[str] | Finished) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "missing required column(s) name, unit" in _lines(result.stderr)[-1]


def test_a_refused_load_leaves_no_new_database_and_an_existing_one_untouched(
    tmp_path: Path,
) -> None:
    """The load's file is read once the database is open: a refused one removes the database
    the command created, and only that one."""
    (tmp_path / "Invoice.csv").write_text(REFUSED_DEFINITIONS)
    path = tmp_path / "new.db"
    env = {**TODAY, "DATABASE_URL": f"sqlite:///{path}"}
    load = ("ingest", "definitions", str(tmp_path / "Invoice.csv"))
    refused = profiling_in_process(*load, env=env, cwd=tmp_path)
    _refused_for_columns(refused)
    assert sorted(tmp_path.iterdir()) == [tmp_path / "Invoice.csv"]
    # An existing database: refused the same way, kept as it was.
    created = profiling_in_process(*CREATES, env=env, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    _refused_for_columns(profiling_in_process(*load, env=env, cwd=tmp_path))
    listed = profiling_in_process("keys", "list", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "probe" in listed.stdout


async def _migrated_to(database_url: str, revision: str) -> None:
    """A database as a release of schema `revision` left it."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, revision)
    finally:
        await engine.dispose()


def _head() -> str:
    from alembic.script import ScriptDirectory

    from store.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def test_a_command_that_upgrades_the_database_says_so_first(tmp_path: Path) -> None:
    """One line on stderr before an upgrade starts (it may take a while), none when there is
    nothing to do or the database is new."""
    path = tmp_path / "old.db"
    env = {**TODAY, "DATABASE_URL": f"sqlite:///{path}"}
    asyncio.run(_migrated_to(f"sqlite+aiosqlite:///{path}", "0004"))
    first = profiling_in_process("keys", "list", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert _lines(first.stderr) == [
        f"Database: sqlite+aiosqlite:///{path}",
        f"Upgrading the database (schema 0004 -> {_head()})...",
    ]
    again = profiling_in_process("keys", "list", env=env, cwd=tmp_path)
    assert _lines(again.stderr) == [f"Database: sqlite+aiosqlite:///{path}"]
    new = profiling_in_process(*CREATES, env={**env, "DATABASE_URL": f"sqlite:///{path}.new"})
    assert new.returncode == 0, new.stderr
    assert not [line for line in _lines(new.stderr) if line.startswith("Upgrading")]


def test_every_database_command_says_which_database_first(tmp_path: Path) -> None:
    env = {**TODAY, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    shown = f"Database: sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    for args in (
        ("keys", "list"),
        ("keys", "revoke", "nope"),
        ("segment",),
        ("publish", "--month", "2024-02"),
    ):
        result = profiling_in_process(*args, env=env)
        assert _lines(result.stderr)[0].startswith(shown), (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_a_missing_sqlite_folder_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "profiling.db"
    result = profiling_in_process(
        "keys", "list", env={**TODAY, "DATABASE_URL": f"sqlite:///{path}"}
    )
    assert_refused(result, f"the folder {path.parent} does not exist")


@contextlib.contextmanager
def _tmpfs(path: Path, *options: str) -> Iterator[Path]:
    """A real filesystem of its own at `path` (tmpfs), for a full or read-only disk."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[Path]:
    """`folder` made read-only: a read-only mount as root (who writes past permissions),
    the permission bits otherwise."""
    if os.geteuid() == 0:
        with _tmpfs(folder, "size=1m", "ro") as path:
            yield path
        return
    folder.mkdir()
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


def test_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    with _read_only(tmp_path / "locked") as folder:
        url = f"sqlite:///{folder / 'profiling.db'}"
        result = profiling_in_process("keys", "list", env={**TODAY, "DATABASE_URL": url})
    assert_refused(result, "cannot create the SQLite database", "is read-only")


def test_a_read_only_database_file_is_one_line(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        folder = tmp_path / "data"
        folder.mkdir()
        url = f"sqlite:///{folder / 'profiling.db'}"
        assert profiling_in_process(*CREATES, env={**TODAY, "DATABASE_URL": url}).returncode == 0
        (folder / "profiling.db").chmod(0o444)
        result = profiling_in_process("keys", "list", env={**TODAY, "DATABASE_URL": url})
        assert_refused(result, "is read-only")
        return
    with _tmpfs(tmp_path / "data", "size=4m") as folder:
        url = f"sqlite:///{folder / 'profiling.db'}"
        assert profiling_in_process(*CREATES, env={**TODAY, "DATABASE_URL": url}).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        result = profiling_in_process("keys", "list", env={**TODAY, "DATABASE_URL": url})
    assert_refused(result, "is read-only")


def test_a_database_of_a_newer_release_is_one_line(tmp_path: Path) -> None:
    """A rollback: the store was upgraded by a release later than this one."""
    database = tmp_path / "profiling.db"
    url = f"sqlite:///{database}"
    assert profiling_in_process(*CREATES, env={**TODAY, "DATABASE_URL": url}).returncode == 0
    with contextlib.closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    result = profiling_in_process("keys", "list", env={**TODAY, "DATABASE_URL": url})
    assert_refused(result, "revision 9999, written by a newer release", "restore a backup")


def test_a_full_disk_is_one_line(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("a full disk needs a small filesystem of its own: mounting one needs root")
    with _tmpfs(tmp_path / "small", "size=2m") as folder:
        url = f"sqlite:///{folder / 'profiling.db'}"
        # The schema fits; the demo's rows do not.
        assert profiling_in_process(*CREATES, env={**TODAY, "DATABASE_URL": url}).returncode == 0
        result = profiling_in_process("demo", "--scale", "0.05", env={**TODAY, "DATABASE_URL": url})
    assert_refused(result, "is full")


# Any database ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["mysql://someone:s3cret@db.example/profiling", "oracle://x@y/z", "not a url at all"],
)
def test_an_unsupported_url_names_the_supported_ones(tmp_path: Path, url: str) -> None:
    result = profiling_in_process("keys", "list", env={**TODAY, "DATABASE_URL": url})
    assert_refused(result, "not", "supported", "sqlite+aiosqlite://", "postgresql+asyncpg://")
    assert len(_lines(result.stderr)) == 1
    assert "s3cret" not in result.stderr


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    port = _free_port()  # nothing listens there
    url = f"postgresql://someone:s3cret@127.0.0.1:{port}/profiling"
    result = profiling_in_process("keys", "list", env={**TODAY, "DATABASE_URL": url})
    assert _lines(result.stderr)[0] == (
        f"Database: postgresql+asyncpg://someone@127.0.0.1:{port}/profiling"
    )
    assert_refused(result, f"cannot reach the database at 127.0.0.1:{port}", "refused")
    assert "s3cret" not in result.stderr


# PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture
def server() -> URL:
    """The PostgreSQL server of TEST_DATABASE_URL (its own database is not touched)."""
    given = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not given:
        if os.environ.get("PROFILING_REQUIRE_POSTGRES") == "1":
            pytest.fail("PROFILING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("TEST_DATABASE_URL is not set")
    return make_url(normalize_database_url(given))


async def _admin(server: URL, *statements: str) -> None:
    engine = create_engine(
        server.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def _shown(url: URL) -> str:
    return URL.create(
        url.drivername, username=url.username, host=url.host, port=url.port, database=url.database
    ).render_as_string()


@contextlib.asynccontextmanager
async def _absent_database(server: URL) -> AsyncIterator[tuple[str, URL, dict[str, str]]]:
    """The name, URL and environment of a database the server does not have, dropped after
    the test if it was created."""
    name = _unique("profiling_cli")
    url = server.set(database=name)
    try:
        yield name, url, {**TODAY, "DATABASE_URL": url.render_as_string(hide_password=False)}
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
async def test_a_missing_postgres_database_is_created(server: URL) -> None:
    async with _absent_database(server) as (name, url, env):
        first = run(*CREATES, env=env)
        assert first.returncode == 0, first.stderr
        assert _lines(first.stderr) == [
            f"Database: {_shown(url)}",
            f'Created the database "{name}": it did not exist',
        ]
        again = run("keys", "list", env=env)
        assert again.returncode == 0, again.stderr
        assert _lines(again.stderr) == [f"Database: {_shown(url)}"]


@pytest.mark.postgres
async def test_reading_commands_create_no_postgres_database(server: URL) -> None:
    async with _absent_database(server) as (name, url, env):
        listed = run("keys", "list", env=env)
        published = run("publish", "--month", "2024-01", env=env)
        assert listed.returncode == 0, listed.stderr
        assert _lines(listed.stderr) == [
            f"Database: {_shown(url)}",
            f'The database "{name}" does not exist yet: read as empty, not created',
        ]
        assert published.returncode == 1
        assert _lines(published.stderr)[-1].endswith("nothing to publish")
        engine = create_engine(
            server.set(database="postgres").render_as_string(hide_password=False)
        )
        try:
            async with engine.connect() as connection:
                found = await connection.scalar(
                    text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": name}
                )
        finally:
            await engine.dispose()
        assert found == 0


async def _exists(server: URL, name: str) -> bool:
    engine = create_engine(server.set(database="postgres").render_as_string(hide_password=False))
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": name}
            )
    finally:
        await engine.dispose()
    return bool(found)


@pytest.mark.postgres
async def test_a_refused_load_leaves_no_new_postgres_database(server: URL, tmp_path: Path) -> None:
    (tmp_path / "Invoice.csv").write_text(REFUSED_DEFINITIONS)
    load = ("ingest", "definitions", str(tmp_path / "Invoice.csv"))
    async with _absent_database(server) as (name, _url, env):
        _refused_for_columns(run(*load, env=env))
        assert not await _exists(server, name)
        # An existing database is kept, with what it holds.
        assert run(*CREATES, env=env).returncode == 0
        _refused_for_columns(run(*load, env=env))
        assert await _exists(server, name)
        assert "probe" in run("keys", "list", env=env).stdout


@pytest.mark.postgres
async def test_a_command_that_upgrades_a_postgres_database_says_so_first(server: URL) -> None:
    async with _absent_database(server) as (name, url, env):
        await _admin(server, f'CREATE DATABASE "{name}"')
        await _migrated_to(url.render_as_string(hide_password=False), "0004")
        first = run("keys", "list", env=env)
        assert first.returncode == 0, first.stderr
        assert _lines(first.stderr) == [
            f"Database: {_shown(url)}",
            f"Upgrading the database (schema 0004 -> {_head()})...",
        ]
        assert _lines(run("keys", "list", env=env).stderr) == [f"Database: {_shown(url)}"]


@pytest.mark.postgres
async def test_a_role_that_may_not_create_it_is_told_how(server: URL) -> None:
    role, name = _unique("profiling_cli_role"), _unique("profiling_cli")
    await _admin(server, f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        url = server.set(username=role, password=None, database=name)
        result = run(*CREATES, env={**TODAY, "DATABASE_URL": url.render_as_string()})
        line = assert_refused(result, f'database "{name}" does not exist', "may not create it")
        assert f"createdb -h {server.host}" in line
        assert f"-O {role} {name}" in line
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}"', f'DROP ROLE "{role}"')


@pytest.mark.postgres
def test_an_unknown_role_is_one_line(server: URL) -> None:
    role = _unique("profiling_nobody")
    url = server.set(username=role, password="s3cret", database="postgres")
    result = run(
        "keys",
        "list",
        env={**TODAY, "DATABASE_URL": url.render_as_string(hide_password=False)},
    )
    assert_refused(result, "refused the login", f'role "{role}" does not exist')
    assert "s3cret" not in result.stderr
