"""A key's check (store/keys.py `KeyCheck`): the same answer as a plain Core read of the key's
row for anything presented, one statement a check, on SQLite a plain call on the event loop's
thread, and a key revoked through another connection refused at the very next check."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import create_engine
from store.keys import PREFIX, Credential, KeyCheck, create_key, revoke_key
from store.running import thread_reads
from store.scope import Role, Scope
from store.tables import API_KEY_TABLE
from tests.factories import Seed

# The examples only read: the keys made once per test serve them all.
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
async def keys(engine: AsyncEngine) -> dict[str, str]:
    seed = Seed()
    seed.industry("retail")
    seed.account("acc-1", app="north", industry="retail")
    await seed.write(engine)
    made = {}
    for label, role, app, account in (
        ("internal", Role.INTERNAL, None, None),
        ("app", Role.APP, "north", None),
        ("account", Role.ACCOUNT, None, "acc-1"),
        ("public", Role.PUBLIC, None, None),
        ("revoked", Role.PUBLIC, None, None),
    ):
        _, made[label] = await create_key(engine, role=role, app_id=app, account_id=account)
    await revoke_key(engine, key_id=made["revoked"].split("_")[1])
    return made


async def _reference(engine: AsyncEngine, presented: str) -> Credential | None:
    """The check written plainly: the key's row through SQLAlchemy's Core, its digest
    compared."""
    if not presented.startswith(PREFIX):
        return None
    key_id, _, secret = presented[len(PREFIX) :].partition("_")
    if not key_id or not secret:
        return None
    key = API_KEY_TABLE.c
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(key.secret_sha256, key.role, key.app_id, key.account_id).where(
                    key.key_id == key_id, key.revoked_at.is_(None)
                )
            )
        ).one_or_none()
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if row is None or not hmac.compare_digest(row[0], digest):
        return None
    return Credential(key_id, Scope(Role(row[1]), app_id=row[2], account_id=row[3]))


async def test_every_role_gets_its_scope_and_a_revoked_key_none(
    engine: AsyncEngine, keys: dict[str, str]
) -> None:
    check = KeyCheck(engine)
    found = {label: await check.credential(key) for label, key in keys.items()}
    assert {label: None if c is None else c.scope for label, c in found.items()} == {
        "internal": Scope(Role.INTERNAL),
        "app": Scope(Role.APP, app_id="north"),
        "account": Scope(Role.ACCOUNT, app_id="north", account_id="acc-1"),
        "public": Scope(Role.PUBLIC),
        "revoked": None,
    }
    assert all(c is None or c.key_id == keys[label].split("_")[1] for label, c in found.items())


@SETTINGS
@given(
    label=st.sampled_from(["internal", "app", "account", "public", "revoked"]),
    prefix=st.sampled_from([PREFIX, "", "prof", "PROF_", "x" + PREFIX]),
    key_id=st.one_of(st.none(), st.text(max_size=14)),
    secret=st.one_of(st.none(), st.text(max_size=50)),
    separator=st.sampled_from(["_", "", "__", "-"]),
)
async def test_any_presented_text_is_answered_as_the_plain_core_read_answers(
    engine: AsyncEngine,
    keys: dict[str, str],
    label: str,
    prefix: str,
    key_id: str | None,
    secret: str | None,
    separator: str,
) -> None:
    """Anything presented: a real key's id or secret or both, or others, however joined."""
    _, real_id, real_secret = keys[label].split("_", 2)
    presented = (
        f"{prefix}{real_id if key_id is None else key_id}{separator}"
        f"{real_secret if secret is None else secret}"
    )
    assert await KeyCheck(engine).credential(presented) == await _reference(engine, presented)


async def test_a_check_is_one_statement_and_on_sqlite_a_plain_call_on_the_loop_thread(
    engine: AsyncEngine, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    check = KeyCheck(engine)
    assert await check.credential(keys["app"]) is not None  # the first check opens what it keeps
    statements: list[str] = []

    def heard(*arguments: object) -> None:
        statements.append(str(arguments[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", heard)
    if engine.dialect.name == "sqlite":

        async def no_thread(*_: object, **__: object) -> None:
            raise AssertionError("the key's lookup went to a worker thread")

        def no_coroutine(*_: object, **__: object) -> None:
            raise AssertionError("the key's lookup was driven as a coroutine")

        monkeypatch.setattr(thread_reads, "in_worker_thread", no_thread)
        # A plain call on the kept connection (Reader.read_keys_now), not a read's coroutine.
        monkeypatch.setattr(thread_reads, "run_on", no_coroutine)
    try:
        for label in ("internal", "app", "revoked"):
            await check.credential(keys[label])
        await check.credential(keys["internal"][:-1] + "?")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", heard)
    assert len(statements) == 4
    assert all("api_key" in statement for statement in statements)


async def test_a_key_revoked_through_another_connection_is_refused_at_the_next_check(
    engine: AsyncEngine, keys: dict[str, str], database_url: str
) -> None:
    """As `profiling keys revoke` revokes it, from another process's connection: nothing of
    an earlier answer is kept."""
    check = KeyCheck(engine)
    key = keys["app"]
    for _ in range(3):  # checked again and again: the lookup's connection and statement kept
        assert await check.credential(key) is not None
    other = create_engine(database_url)
    try:
        await revoke_key(other, key_id=key.split("_")[1])
    finally:
        await other.dispose()
    assert await check.credential(key) is None
    assert await check.credential(keys["internal"]) is not None
