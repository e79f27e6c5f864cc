"""Rows whose key is one of many given keys, read in batches: an `IN` list of every key at
once could pass the drivers' limit on bound parameters (SQLite's 32,766, PostgreSQL's 32,767)
when a file names tens of thousands of parties.

A key may span several columns (`(account_id, invoice)`), its values given as tuples. Its
first column's values narrow each statement too: SQLite reads a list of row values alone
(`(a, b) IN (VALUES ...)`) by scanning the whole table, and an index leading with the first
column (a primary key) serves the narrowed statement on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Delete, Update, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

# Keys per statement: a key of three columns binds 4,000 values at most, well within limits.
KEYS_PER_STATEMENT = 1000

_Item = TypeVar("_Item")


def batches(items: Sequence[_Item], size: int = KEYS_PER_STATEMENT) -> Iterator[Sequence[_Item]]:
    """`items` in consecutive slices of `size` (the last one shorter), in their order: one
    statement's worth of keys each."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
    for batch in batches(keys):
        result = await connection.execute(
            select(*selected, *columns).where(key_in(key, batch), *also)
        )
        found.extend(tuple(row) for row in result)
    return found


async def rows_changed(
    connection: AsyncConnection,
    key: Key,
    keys: Sequence[Any],
    statement: Update | Delete,
) -> int:
    """Run the UPDATE or DELETE `statement` once per batch of `keys`, on the rows among them
    (whose `key` is one of the batch); how many rows it changed in all."""
    changed = 0
    for batch in batches(keys):
        changed += (await connection.execute(statement.where(key_in(key, batch)))).rowcount
    return changed
