"""API keys: created with a random secret shown once, stored as a hash, revocable.

A key reads `prof_<key id>_<secret>`: the prefix makes it recognisable (to secret scanners,
too), the id finds its row without scanning, and only the secret's SHA-256 is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store import write_locks
from store.running.driver_select import DriverSelect, ExpandedText
from store.running.reader import reader_for
from store.running.sqlite_connection import SQLiteConnection
from store.scope import Role, Scope
from store.tables import ACCOUNT_TABLE, API_KEY_TABLE, APP_TABLE

PREFIX = "prof_"


class KeyRefused(ValueError):
    """A key cannot be created or revoked as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key_id: str
    name: str
    role: Role
    app_id: str | None
    account_id: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_key_options(*, role: Role, app_id: str | None, account_id: str | None) -> None:
    """Refuse options that no store could accept (KeyRefused), before any database is opened:
    a command refused for its options leaves nothing behind."""
    if role is Role.APP:
        if not app_id or account_id:
            raise KeyRefused("an app key needs --app APP (and no --account)")
    elif role is Role.ACCOUNT:
        if not account_id:
            raise KeyRefused("an account key needs --account ACCOUNT_ID")
    elif app_id or account_id:
        raise KeyRefused(f"a {role} key takes neither --app nor --account")


def needs_data(role: Role) -> bool:
    """Whether a key of this role names data that must be stored already (an app, an
    account): on a database that does not exist yet it can only be refused."""
    return role in (Role.APP, Role.ACCOUNT)


async def create_key(
    engine: AsyncEngine,
    *,
    role: Role,
    app_id: str | None = None,
    account_id: str | None = None,
    name: str = "",
) -> tuple[KeyRecord, str]:
    """The new key's record and the key itself, which is never stored and cannot be shown
    again."""
    check_key_options(role=role, app_id=app_id, account_id=account_id)
    async with engine.begin() as connection:
        # The app or account is read, then the key written: on SQLite, under the write lock.
        await write_locks.hold_sqlite_writes(connection)
        if role is Role.APP:
            known = (
                (await connection.execute(select(APP_TABLE.c.app_id).order_by(APP_TABLE.c.app_id)))
                .scalars()
                .all()
            )
            if app_id not in known:
                raise KeyRefused(f"no app {app_id!r}; known apps: {', '.join(known) or 'none'}")
        elif role is Role.ACCOUNT:
            account_app = (
                await connection.execute(
                    select(ACCOUNT_TABLE.c.app_id).where(ACCOUNT_TABLE.c.account_id == account_id)
                )
            ).scalar_one_or_none()
            if account_app is None:
                raise KeyRefused(f"no account {account_id!r}")
            if app_id and app_id != account_app:
                raise KeyRefused(f"account {account_id!r} belongs to app {account_app!r}")
            app_id = account_app
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        record = KeyRecord(
            key_id=key_id,
            name=name,
            role=role,
            app_id=app_id,
            account_id=account_id,
            created_at=dt.datetime.now(dt.UTC),
            revoked_at=None,
        )
        await connection.execute(
            API_KEY_TABLE.insert().values(
                key_id=key_id,
                name=name,
                role=role.value,
                app_id=app_id,
                account_id=account_id,
                secret_sha256=_digest(secret),
                created_at=record.created_at,
            )
        )
    return record, f"{PREFIX}{key_id}_{secret}"


async def list_keys(engine: AsyncEngine) -> list[KeyRecord]:
    key = API_KEY_TABLE.c
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(
                key.key_id,
                key.name,
                key.role,
                key.app_id,
                key.account_id,
                key.created_at,
                key.revoked_at,
            ).order_by(key.created_at, key.key_id)
        )
        return [
            KeyRecord(row[0], row[1], Role(row[2]), row[3], row[4], row[5], row[6]) for row in rows
        ]


async def revoke_key(engine: AsyncEngine, *, key_id: str) -> None:
    key = API_KEY_TABLE.c
    async with engine.begin() as connection:
        result = await connection.execute(
            update(API_KEY_TABLE)
            .where(key.key_id == key_id, key.revoked_at.is_(None))
            .values(revoked_at=dt.datetime.now(dt.UTC))
        )
        if result.rowcount == 0:
            raise KeyRefused(f"no active key {key_id!r}")


@dataclass(frozen=True, slots=True)
class Credential:
    """Who a request is: the key it presented (rate limits count per key) and what it sees."""

    key_id: str
    scope: Scope


# Every keyed request checks its key (a revoked key is refused at once): the select is built
# and compiled once, and run on the driver like the API's own reads.
_key = API_KEY_TABLE.c
_VALID_KEY = DriverSelect(
    select(_key.secret_sha256, _key.role, _key.app_id, _key.account_id).where(
        _key.key_id == bindparam("key_id"), _key.revoked_at.is_(None)
    )
)
# A key's row: the secret's digest, the role, the app, the account (driver values converted).
KeyRow = tuple[Any, ...]
_ROLES = {role.value: role for role in Role}
_TEXTS: dict[Dialect, ExpandedText] = {}


def _valid_keys_now(connection: SQLiteConnection, key_ids: Sequence[str]) -> dict[str, KeyRow]:
    """The unrevoked row of the one key of `key_ids`, by id, as a plain call on a kept sqlite3
    connection: `_VALID_KEY`'s own text and conversion, without a coroutine."""
    (key_id,) = key_ids
    parameters = {"key_id": key_id}
    dialect = connection.dialect
    text = _TEXTS.get(dialect)
    if text is None:  # no list to expand: one text a dialect
        text = _TEXTS[dialect] = _VALID_KEY.expanded(dialect, parameters)
    rows, converters = _VALID_KEY.rows_now(connection, parameters, text)
    if not rows:
        return {}
    row = rows[0]
    # On SQLite no column converts anything (four texts): the driver's row is Core's.
    return {key_id: _converted(row, converters) if any(converters) else row}


async def _valid_key(connection: AsyncConnection, key_id: str) -> KeyRow | None:
    columns = await _VALID_KEY.columns(connection, {"key_id": key_id})
    return tuple(column[0] for column in columns) if columns[0] else None


def _converted(row: Sequence[Any], converters: Sequence[Any]) -> KeyRow:
    # Four values, one row: each converted alone where Core converts it (on SQLite, none).
    values = list(row)
    for index, convert in enumerate(converters):
        if convert is not None:
            values[index] = convert(values[index : index + 1])[0]
    return tuple(values)


class KeyCheck:
    """The credential of a presented key, checked against the database of `engine` at every
    call: nothing is kept of an answer, so a key revoked by any connection (the CLI, another
    worker) is refused from the next request on.

    Made once per server (the reader with it). On SQLite the lookup, one primary-key row, is a
    plain call on the event loop thread's kept sqlite3 connection (`Reader.read_keys_now`), as
    the small query's own read is; elsewhere it is the reader's read of one statement without
    a transaction (PostgreSQL: one round trip, in autocommit). The secret is compared in
    constant time."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._reader = reader_for(engine)

    async def credential(self, presented: str) -> Credential | None:
        """The credential of a valid, unrevoked key; None for anything else (no hint why)."""
        if not presented.startswith(PREFIX):
            return None
        key_id, _, secret = presented[len(PREFIX) :].partition("_")
        if not key_id or not secret:
            return None
        reader = self._reader
        # One row at most (the key id is the primary key).
        found = reader.read_keys_now((key_id,), _valid_keys_now, rows_at_most=1)
        if found is not None:
            row = found.get(key_id)
        else:
            # One statement sees one snapshot by itself: no transaction around it.
            row = await reader.read(
                lambda connection: _valid_key(connection, key_id),
                rows_at_most=1,
                one_snapshot=False,
            )
        if row is None or not hmac.compare_digest(row[0], _digest(secret)):
            return None
        role = _ROLES.get(row[1]) or Role(row[1])
        return Credential(key_id, Scope(role, app_id=row[2], account_id=row[3]))


async def authenticate(engine: AsyncEngine, presented: str) -> Credential | None:
    """`KeyCheck(engine).credential(presented)`, for a caller that checks one key (a server
    keeps its KeyCheck)."""
    return await KeyCheck(engine).credential(presented)


async def account_scope(engine: AsyncEngine, *, account_id: str) -> Scope:
    """What an account key of `account_id` sees, without a key: a customer's deck built in
    process reads with it. An account that does not exist sees nothing (no app)."""
    async with engine.connect() as connection:
        app_id = (
            await connection.execute(
                select(ACCOUNT_TABLE.c.app_id).where(ACCOUNT_TABLE.c.account_id == account_id)
            )
        ).scalar_one_or_none()
    return Scope(Role.ACCOUNT, app_id=app_id, account_id=account_id)
