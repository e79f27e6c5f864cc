"""`profiling keys create|list|revoke`: API keys for frontend apps, slide generators and the
public pulse page. A key is printed once, alone on the last line, and never again."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from cli.common import fail, run_on_database, settings_or_exit
from store.keys import KeyRecord, KeyRefused, create_key, list_keys, revoke_key
from store.scope import Role

keys = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


@keys.command("create")
def create(
    role: Annotated[Role, typer.Option(help="What the key may see.")],
    app: Annotated[str | None, typer.Option(help="The app of an app key.")] = None,
    account: Annotated[
        str | None, typer.Option(help="The account (account_id) of an account key.")
    ] = None,
    name: Annotated[str, typer.Option(help="A label, e.g. who uses the key.")] = "",
) -> None:
    """Create an API key and print it once."""
    settings = settings_or_exit()

    async def job(engine: AsyncEngine) -> tuple[KeyRecord, str]:
        return await create_key(engine, role=role, app_id=app, account_id=account, name=name)

    try:
        record, key = run_on_database(settings, job)
    except KeyRefused as exc:
        raise fail(str(exc)) from None
    scope = record.app_id or "all apps"
    if record.account_id:
        scope = f"account {record.account_id} of {record.app_id}"
    typer.echo(f"Created {record.role} key {record.key_id} ({scope}). It is shown only now:")
    typer.echo(key)


@keys.command("list")
def list_() -> None:
    """List the keys (never their secrets)."""
    settings = settings_or_exit()
    records = run_on_database(settings, list_keys)
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
    settings = settings_or_exit()

    async def job(engine: AsyncEngine) -> None:
        await revoke_key(engine, key_id=key_id)

    try:
        run_on_database(settings, job)
    except KeyRefused as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Revoked key {key_id}")
