"""Rows whose key is one of many given keys, read in batches: an `IN` list of every key at
once could pass the drivers' limit on bound parameters (SQLite's 32,766, PostgreSQL's 32,767)
when a file names tens of thousands of parties."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, select
from sqlalchemy.ext.asyncio import AsyncConnection

# Keys per statement.
KEYS_PER_STATEMENT = 1000


async def rows_with_keys(
    connection: AsyncConnection, key: Column[Any], keys: Sequence[Any], *columns: Column[Any]
) -> list[tuple[Any, ...]]:
    """`(key, *columns)` of every row whose `key` is one of `keys`, in no particular order."""
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        batch = keys[start : start + KEYS_PER_STATEMENT]
        result = await connection.execute(select(key, *columns).where(key.in_(batch)))
        found.extend(tuple(row) for row in result)
    return found
