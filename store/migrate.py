"""Alembic migrations, applied by every command and by the server on start.

Alembic is imported when a migration runs, not with this module: importing it costs a command
a noticeable part of its start-up."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from store.engine import DatabaseUnavailable

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        # env.py runs on this connection instead of opening one of its own.
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, announce: Callable[[str], None] | None = None) -> None:
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config(connection)
    script = ScriptDirectory.from_config(config)
    known = {revision.revision for revision in script.walk_revisions()}
    stored = MigrationContext.configure(connection).get_current_heads()
    newer = [revision for revision in stored if revision not in known]
    if newer:
        # A store upgraded by a later release (and this one run after it, a rollback): Alembic
        # would fail with a traceback, and no step down exists for a revision it does not have.
        raise DatabaseUnavailable(
            f"the database is at schema revision {', '.join(newer)}, written by a newer "
            f"release than this one (which knows revisions up to {script.get_current_head()}): "
            "run that release, or restore a backup taken before the upgrade"
        )
    head = script.get_current_head()
    if announce is not None and stored and set(stored) != {head}:
        # An upgrade can take a while on a large store (its tables rewritten): said before it
        # starts, so a command that seems to hang is seen at work. A new database is created,
        # not upgraded, and one already at the head has nothing to say.
        announce(f"Upgrading the database (schema {', '.join(sorted(stored))} -> {head})...")
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine, *, announce: Callable[[str], None] | None = None) -> None:
    """Create or upgrade the schema to the latest revision; `announce` is told, in one line,
    when a database made by an earlier release is about to be upgraded."""
    async with engine.begin() as connection:
        await connection.run_sync(partial(_upgrade, announce=announce))
