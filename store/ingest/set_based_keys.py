"""PostgreSQL: the foreign key of `metric_value` checked once per load instead of once a row.

The foreign key's trigger runs a `SELECT .. FOR KEY SHARE` on `metric_definition` for every
inserted row: about 40% of the copy of a million staged rows into `metric_value` (7.4 of
17-25 s in EXPLAIN ANALYZE). A load names a handful of metrics, so it does the same check and
takes the same lock once per metric: every name its rows use is locked `FOR KEY SHARE` (no
definition can be deleted or renamed until the load commits, as with the trigger), and only if
every one was found are the triggers of the load's own transaction set aside for the insert
(`session_replication_role = replica`, a setting of this transaction alone).

It is done only where it is exactly what the triggers would check: a role allowed to change
that setting (a superuser), `metric_value` with no trigger of its own and no foreign key but
the metric's. Otherwise, or when a name is missing, the insert runs with its triggers, which
raise the usual foreign key error.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

# The one foreign key of metric_value, as (column, referenced table, referenced column).
_EXPECTED_KEYS = [("metric_name", "metric_definition", "name")]

_TRIGGERS_OF_ITS_OWN = (
    "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'metric_value'::regclass AND NOT tgisinternal"
)
_FOREIGN_KEYS = (
    "SELECT a.attname, c.confrelid::regclass::text, r.attname FROM pg_constraint c "
    "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
    "JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = ANY (c.confkey) "
    "WHERE c.conrelid = 'metric_value'::regclass AND c.contype = 'f'"
)


async def _may_set_aside_triggers(connection: AsyncConnection) -> bool:
    superuser = await connection.exec_driver_sql("SELECT current_setting('is_superuser')")
    if superuser.scalar_one() != "on":
        return False
    own = await connection.exec_driver_sql(_TRIGGERS_OF_ITS_OWN)
    if own.scalar_one() != 0:
        return False
    keys: list[Any] = list((await connection.exec_driver_sql(_FOREIGN_KEYS)).all())
    return [tuple(key) for key in keys] == _EXPECTED_KEYS


async def metric_names_checked_once(
    connection: AsyncConnection, metric_names: Collection[str]
) -> bool:
    """Lock the definitions of `metric_names` as the foreign key would, and set the per-row
    triggers aside for the rest of the transaction's statements until `restore_triggers`.
    False (nothing set aside) where that would not be exactly the foreign key's check."""
    if connection.dialect.name != "postgresql" or not await _may_set_aside_triggers(connection):
        return False
    names = sorted(set(metric_names))
    found = await connection.exec_driver_sql(
        "SELECT name FROM metric_definition WHERE name = ANY ($1::text[]) FOR KEY SHARE",
        (names,),
    )
    if sorted(row[0] for row in found) != names:
        return False
    await connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    return True


async def restore_triggers(connection: AsyncConnection) -> None:
    await connection.exec_driver_sql("SET LOCAL session_replication_role = origin")
