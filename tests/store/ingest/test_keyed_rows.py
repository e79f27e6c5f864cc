"""`store.ingest.keyed_rows`: the rows of many keys, in batches of statements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest.keyed_rows import KEYS_PER_STATEMENT, rows_with_keys
from store.tables import ACCOUNT_TABLE
from tests.factories import Seed


async def test_the_rows_of_every_batch_and_one_statement_a_batch(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.account("first", app="north")
    seed.account("middle", app="south")
    seed.account("last", app="north")
    await seed.write(engine)
    # The stored keys at the start, in the middle and at the end of three batches.
    keys = [f"absent-{n}" for n in range(2 * KEYS_PER_STATEMENT + 500)]
    keys[0], keys[KEYS_PER_STATEMENT + 3], keys[-1] = "first", "middle", "last"
    statements: list[str] = []

    def count(*arguments: Any) -> None:
        statements.append(arguments[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with engine.connect() as connection:
            account = ACCOUNT_TABLE.c
            found = await rows_with_keys(connection, account.account_id, keys, account.app_id)
            only_keys = await rows_with_keys(connection, account.account_id, keys[:2])
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert sorted(found) == [("first", "north"), ("last", "north"), ("middle", "south")]
    assert only_keys == [("first",)]
    assert len(statements) == 3 + 1
