"""Alembic environment: runs on the connection that store.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from store.tables import METADATA

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through store.migrate.migrate(engine)")

context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
