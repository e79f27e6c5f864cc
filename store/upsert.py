"""Dialect-aware bulk upsert: loading the same rows twice leaves the database unchanged."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

# Rows per executemany call: large enough to amortise the round trip, small enough to
# report progress on files of a million rows.
CHUNK_ROWS = 10_000

ProgressCallback = Callable[[int], None]


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def upsert(
    connection: AsyncConnection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    progress: ProgressCallback | None = None,
) -> None:
    """Insert rows, or update the non-key columns of rows whose primary key exists."""
    if not rows:
        return
    keys = [column.name for column in table.primary_key.columns]
    dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(table)
    updated = {name: statement.excluded[name] for name in rows[0] if name not in keys}
    if updated:
        statement = statement.on_conflict_do_update(index_elements=keys, set_=updated)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    for chunk in _chunks(rows, CHUNK_ROWS):
        await connection.execute(statement, list(chunk))
        if progress is not None:
            progress(len(chunk))
