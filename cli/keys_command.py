"""`profiling keys create|list|revoke`: API keys for frontend apps, slide generators and the
public pulse page. A key is printed once, alone on the last line, and never again.

The store (SQLAlchemy) is imported when a command runs, not for `--help`."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import fail, run_on_database, settings_or_exit

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from store.keys import KeyRecord

keys = typer.Typer(
    help="Create, list and revoke API keys.",
    no_args_is_help=True,
    # Plain help: flags show as flags (Typer's Rich panels print `--flag <bool>`).
    rich_markup_mode=None,
)


class KeyRole(StrEnum):
    """The roles of store.scope.Role, as choices (a test keeps the two the same): importing
    the store for `--help` would cost the command most of its start-up."""

    INTERNAL = "internal"
    APP = "app"
    ACCOUNT = "account"
    PUBLIC = "public"


@keys.command("create")
def create(
    role: Annotated[KeyRole, typer.Option(help="What the key may see.")],
    app: Annotated[str | None, typer.Option(help="The app of an app key.")] = None,
    account: Annotated[
        str | None, typer.Option(help="The account (account_id) of an account key.")
    ] = None,
    name: Annotated[str, typer.Option(help="A label, e.g. who uses the key.")] = "",
) -> None:
    """Create an API key and print it once."""
    from store.keys import KeyRefused, check_key_options, create_key, needs_data
    from store.scope import Role

    settings = settings_or_exit()
    scoped = Role(role.value)
    try:
        check_key_options(role=scoped, app_id=app, account_id=account)
    except KeyRefused as exc:
        raise fail(str(exc)) from None

    async def job(engine: AsyncEngine) -> tuple[KeyRecord, str]:
        return await create_key(engine, role=scoped, app_id=app, account_id=account, name=name)

    try:
        # An app or account key names stored data: a database that does not exist yet can
        # only refuse it, and is not created for that.
        record, key = run_on_database(settings, job, create=not needs_data(scoped))
    except KeyRefused as exc:
        raise fail(str(exc)) from None
    scope = record.app_id or (
        "sector benchmarks and the pulse report only"
        if record.role.value == "public"
        else "all apps"
    )
    if record.account_id:
        scope = f"account {record.account_id} of {record.app_id}"
    typer.echo(f"Created {record.role} key {record.key_id} ({scope}). It is shown only now:")
    typer.echo(key)


@keys.command("list")
def list_() -> None:
    """List the keys (never their secrets)."""
    from rich.console import Console
    from rich.table import Table

    from store.keys import list_keys

    settings = settings_or_exit()
    records = run_on_database(settings, list_keys, create=False)
    table = Table("id", "name", "role", "app", "account", "created", "revoked")
    for record in records:
        table.add_row(
            record.key_id,
            record.name,
            record.role.value,
            record.app_id or "",
            record.account_id or "",
            f"{record.created_at:%Y-%m-%d %H:%M}",
            f"{record.revoked_at:%Y-%m-%d %H:%M}" if record.revoked_at else "",
        )
    # Wide enough for whole ids and dates when the output is a pipe or a file.
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@keys.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The id shown by `keys list`.")]) -> None:
    """Revoke a key: requests with it get HTTP 401 from now on."""
    from store.keys import KeyRefused, revoke_key

    settings = settings_or_exit()

    async def job(engine: AsyncEngine) -> None:
        await revoke_key(engine, key_id=key_id)

    try:
        run_on_database(settings, job, create=False)
    except KeyRefused as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Revoked key {key_id}")
