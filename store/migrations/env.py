"""Alembic environment: runs on the connection that store.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from store.tables import METADATA, is_metric_partition


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate compares the declared tables: metric_value's partitions on PostgreSQL are
    made by migrations and loads, not declared."""
    return not (type_ == "table" and name is not None and is_metric_partition(name))


connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through store.migrate.migrate(engine)")

context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
