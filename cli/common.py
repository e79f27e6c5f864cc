"""What every command shares: one-line failures, settings, and a job run on a migrated
database in an event loop of its own.

Nothing heavy is imported here at module level: `profiling --help` imports this module, and
the settings, SQLAlchemy, Alembic and Rich come in only when a command needs them."""

from __future__ import annotations

import contextlib
import socket
import tempfile
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.ext.asyncio import AsyncEngine

    from settings import Settings

T = TypeVar("T")


@cache
def err() -> Console:
    """The console of messages and progress bars: stderr, so that stdout carries only results."""
    from rich.console import Console

    # soft_wrap: a failure is one line, whatever the terminal width.
    return Console(stderr=True, soft_wrap=True)


def say(message: str) -> None:
    """One line for the person running the command, on stderr, never wrapped."""
    err().print(message, highlight=False, markup=False)


def fail(reason: str) -> typer.Exit:
    err().print("[red]error:[/red] ", end="", highlight=False)
    err().print(reason, highlight=False, markup=False)
    return typer.Exit(1)


def settings_or_exit() -> Settings:
    from settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise fail(str(exc)) from None


def check_standby_urls(settings: Settings) -> None:
    """Each URL of DATABASE_READ_URL parses, or one line says which does not."""
    from store.engine import DatabaseUnavailable, parse_database_url

    for url in settings.standbys.urls:
        try:
            parse_database_url(url, variable="DATABASE_READ_URL")
        except DatabaseUnavailable as exc:
            raise fail(str(exc)) from None


def run_on_database(
    settings: Settings, job: Callable[[AsyncEngine], Awaitable[T]], *, create: bool = True
) -> T:
    """Say which database, create it if it is missing, migrate it, then run one job on it, in
    a loop of its own. A database that cannot be used is one line and exit status 1.

    A command that changes nothing in an empty database (it reads, or writes only from data
    already there: `keys list`, `publish`) passes `create=False`: a database that does not
    exist yet is then not created, and the job answers as on an empty one (a database
    migrated in a temporary folder, removed afterwards), so that asking leaves nothing
    behind. A command that fails leaves no database it created behind either (a load refused
    for its file: the database is removed when nothing but its migrations was written)."""
    import asyncio

    from store.engine import DatabaseUnavailable, create_engine, parse_database_url, shown_url
    from store.migrate import migrate
    from store.provision import (
        check_sqlite,
        explain,
        is_missing,
        provision,
        remove_if_unused,
        sqlite_is_new,
    )

    try:
        url = parse_database_url(settings.database_url)
    except DatabaseUnavailable as exc:
        raise fail(str(exc)) from None
    try:
        check_sqlite(url)
    except DatabaseUnavailable as exc:
        say(f"Database: {shown_url(url)}")
        raise fail(str(exc)) from None
    new = sqlite_is_new(url)
    said = "creating it" if create else "read as empty, not created"
    say(f"Database: {shown_url(url)}" + (f" (it does not exist yet: {said})" if new else ""))
    connecting = True

    async def main() -> T:
        nonlocal connecting
        # Made by this command (a SQLite file, a PostgreSQL database): removed if it fails.
        created = create and new
        with contextlib.ExitStack() as stack:
            database_url = settings.database_url
            if not create and (new or await is_missing(url)):
                if not new:
                    say(f'The database "{url.database}" does not exist yet: {said}')
                folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="profiling-"))
                database_url = f"sqlite+aiosqlite:///{Path(folder) / 'empty.db'}"
            elif await provision(url):
                say(f'Created the database "{url.database}": it did not exist')
                created = True
            engine = create_engine(database_url)
            try:
                await migrate(engine, announce=say)
                connecting = False
                return await job(engine)
            except Exception as failure:
                # A refused command leaves no database it created behind (nothing was kept).
                if created and getattr(failure, "exit_code", 1) != 0:
                    await engine.dispose()
                    await remove_if_unused(url)
                raise
            finally:
                await engine.dispose()

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        # Every job writes in transactions: what was not committed is rolled back.
        say("Interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:
        reason = explain(exc, url, connecting=connecting)
        if reason is None:
            raise
        raise fail(reason) from None


def check_can_listen(host: str, port: int) -> None:
    """Exit with one line unless the server could listen on `host`:`port`: uvicorn would wrap
    a port above 65535 into another one without a word, and report a port in use only after
    the demo has loaded, in a log line among its startup lines."""
    if not 1 <= port <= 65535:
        raise fail(f"--port must be 1 to 65535, not {port}")
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise fail(
            f"--host {host} is not an address this machine can listen on ({exc.strerror})"
        ) from None
    family, kind, protocol, _name, address = addresses[0]
    with socket.socket(family, kind, protocol) as probe:
        # As uvicorn binds: a port whose last connections are closing is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise fail(
                f"cannot listen on {host}:{port}: {exc.strerror} "
                "(another server may be using it: choose another --port)"
            ) from None
