"""What every command shares: one-line failures, settings, and a job run on a migrated
database in an event loop of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from settings import Settings, SettingsError, load_settings
from store.engine import create_engine
from store.migrate import migrate

T = TypeVar("T")

# soft_wrap: a failure is one line, whatever the terminal width.
err = Console(stderr=True, soft_wrap=True)


def fail(reason: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {reason}", highlight=False)
    return typer.Exit(1)


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise fail(str(exc)) from None


def run_on_database(settings: Settings, job: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Migrate the database, then run one job on it, in a loop of its own."""

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            await migrate(engine)
            return await job(engine)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except OSError as exc:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        raise fail(f"cannot reach the database at {where}: {exc}") from None
