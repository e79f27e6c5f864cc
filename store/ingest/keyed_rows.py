"""Rows whose key is one of many given keys, read in batches: an `IN` list of every key at
once could pass the drivers' limit on bound parameters (SQLite's 32,766, PostgreSQL's 32,767)
when a file names tens of thousands of parties.

A key may span several columns (`(account_id, invoice)`), its values given as tuples. Its
first column's values narrow each statement too: SQLite reads a list of row values alone
(`(a, b) IN (VALUES ...)`) by scanning the whole table, and an index leading with the first
column (a primary key) serves the narrowed statement on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

# Keys per statement: a key of three columns binds 4,000 values at most, well within limits.
KEYS_PER_STATEMENT = 1000

# One column, or several whose values together are the key.
Key = ColumnElement[Any] | tuple[ColumnElement[Any], ...]


def key_in(key: Key, keys: Sequence[Any]) -> ColumnElement[bool]:
    """The condition that a row's `key` is one of `keys` (at most `KEYS_PER_STATEMENT`)."""
    if not isinstance(key, tuple):
        return key.in_(keys)
    first = key[0].in_(list(dict.fromkeys(values[0] for values in keys)))
    return first & tuple_(*key).in_(keys)


async def rows_with_keys(
    connection: AsyncConnection,
    key: Key,
    keys: Sequence[Any],
    *columns: ColumnElement[Any],
    also: Sequence[ColumnElement[bool]] = (),
) -> list[tuple[Any, ...]]:
    """`(*key, *columns)` of every row whose `key` is one of `keys` (and that meets every
    condition of `also`), in no particular order."""
    selected = key if isinstance(key, tuple) else (key,)
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        batch = keys[start : start + KEYS_PER_STATEMENT]
        result = await connection.execute(
            select(*selected, *columns).where(key_in(key, batch), *also)
        )
        found.extend(tuple(row) for row in result)
    return found
