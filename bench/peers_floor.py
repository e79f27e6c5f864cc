"""The raw floor: the benchmark's two queries as plain SQL on the driver, answered with orjson.

A bare ASGI app (no framework, none of the project's code) that `bench/peers.py` runs under
the same uvicorn as the server (uvloop, httptools, access log off):

    PEERS_FLOOR_DATABASE=postgresql://... | sqlite:///path \\
        python -m uvicorn peers_floor:create_app --factory --app-dir bench

POST /small with {"variables": {"id": ..., "month": "2023-12-01"}}: one account's rows of one
month. POST /large with {"variables": {"first": 100}}: the first accounts by id with all their
rows. Both answer in the JSON shape of the GraphQL server's answer to the same query. On
PostgreSQL it reads through an asyncpg pool (statements prepared and cached by asyncpg); on
SQLite through one `sqlite3` connection per process, on the event loop's thread.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import asyncpg
import orjson

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Row = Sequence[Any]

SMALL_SQL = (
    "SELECT v.metric_name, v.value, d.unit, v.effective_date "
    "FROM metric_value v JOIN metric_definition d ON d.name = v.metric_name "
    "WHERE v.level = 'account' AND v.entity_id = $1 AND v.effective_date = $2 "
    "ORDER BY v.metric_name, v.effective_date"
)
# The first accounts' rows, accounts without values kept (LEFT JOIN). Each store's form is
# the fastest plain SQL we found for it, so that the floor carries no slowness of its own
# (measured on the benchmark's data, EXPLAIN ANALYZE / sqlite3, 12,000 rows):
# - PostgreSQL, with metric_value partitioned by month: a bare join is planned as a hash join
#   over a scan of every partition (21-22 ms); the ids' array in the join condition turns it
#   into an index scan of each partition (11.6-11.8 ms).
# - SQLite: the planner builds an automatic index on every run (50-56 ms); naming the primary
#   key's index reads it directly (16-19 ms).
LARGE_SQL = (
    "SELECT a.account_id, v.metric_name, v.value, d.unit, v.effective_date "
    "FROM (SELECT account_id FROM account ORDER BY account_id LIMIT $1) a "
    "LEFT JOIN metric_value v ON v.level = 'account' AND v.entity_id = a.account_id "
    "AND v.entity_id = ANY(ARRAY(SELECT account_id FROM account ORDER BY account_id LIMIT $1)) "
    "LEFT JOIN metric_definition d ON d.name = v.metric_name "
    "ORDER BY a.account_id, v.metric_name, v.effective_date"
)
LARGE_SQLITE_SQL = (
    "SELECT a.account_id, v.metric_name, v.value, d.unit, v.effective_date "
    "FROM (SELECT account_id FROM account ORDER BY account_id LIMIT ?) a "
    "LEFT JOIN metric_value v INDEXED BY sqlite_autoindex_metric_value_1 "
    "ON v.level = 'account' AND v.entity_id = a.account_id "
    "LEFT JOIN metric_definition d ON d.name = v.metric_name "
    "ORDER BY a.account_id, v.metric_name, v.effective_date"
)


def _sqlite_sql(sql: str) -> str:
    return sql.replace("$1", "?").replace("$2", "?")


def _metric(row: Row) -> dict[str, Any]:
    return {
        "metricName": row[0],
        "value": str(row[1]),
        "unit": row[2],
        "effectiveDate": row[3],
    }


def small_answer(rows: Iterable[Row]) -> bytes:
    return orjson.dumps({"data": {"account": {"metrics": [_metric(row) for row in rows]}}})


def large_answer(rows: Iterable[Row]) -> bytes:
    edges: list[dict[str, Any]] = []
    current: str | None = None
    metrics: list[dict[str, Any]] = []
    for row in rows:
        if row[0] != current:
            current = row[0]
            metrics = []
            edges.append({"node": {"accountId": current, "metrics": metrics}})
        if row[1] is not None:
            metrics.append(_metric(row[1:]))
    return orjson.dumps({"data": {"accounts": {"edges": edges}}})


class Postgres:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._pool: asyncpg.Pool[asyncpg.Record] | None = None

    async def open(self) -> None:
        # asyncpg's default pool holds 10 connections; it opens one at start and more on demand.
        self._pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=10)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    async def small(self, account: str, month: str) -> bytes:
        assert self._pool is not None
        rows = await self._pool.fetch(SMALL_SQL, account, dt.date.fromisoformat(month))
        return small_answer(rows)

    async def large(self, first: int) -> bytes:
        assert self._pool is not None
        return large_answer(await self._pool.fetch(LARGE_SQL, first))


class Sqlite:
    def __init__(self, path: str) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None

    async def open(self) -> None:
        self._connection = sqlite3.connect(self._path)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()

    async def small(self, account: str, month: str) -> bytes:
        assert self._connection is not None
        return small_answer(self._connection.execute(_sqlite_sql(SMALL_SQL), (account, month)))

    async def large(self, first: int) -> bytes:
        assert self._connection is not None
        return large_answer(self._connection.execute(LARGE_SQLITE_SQL, (first,)))


Store = Postgres | Sqlite


def store_of(url: str) -> Store:
    if url.startswith("sqlite:///"):
        return Sqlite(url.removeprefix("sqlite:///"))
    return Postgres(url)


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Floor:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        variables = orjson.loads(await _body(receive) or b"{}").get("variables") or {}
        if scope["path"] == "/small":
            await _respond(send, 200, await self._store.small(variables["id"], variables["month"]))
        elif scope["path"] == "/large":
            await _respond(send, 200, await self._store.large(int(variables["first"])))
        else:
            await _respond(send, 404, b'{"error": "POST /small or /large"}')

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self._store.open()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self._store.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app() -> Floor:
    return Floor(store_of(os.environ["PEERS_FLOOR_DATABASE"]))
