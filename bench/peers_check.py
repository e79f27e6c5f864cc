"""Before anything is measured: every server returns the same rows as the reference for the
same query (three accounts' small query, and the large one), with the expected counts."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from peers_data import METRICS, MONTHS, account_id
from peers_queries import LARGE_ACCOUNTS, NormalRow
from peers_servers import Server

CHECKED_ACCOUNTS = [account_id(0), account_id(457), account_id(999)]


async def _answer(client: httpx.AsyncClient, server: Server, path: str, body: str) -> Any:
    response = await client.post(
        f"http://127.0.0.1:{server.port}{path}",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    answer = orjson.loads(response.content)
    if response.status_code != 200 or answer.get("errors"):
        raise ValueError(f"{response.status_code} {response.text[:300]}")
    return answer


async def rows_of(client: httpx.AsyncClient, server: Server) -> dict[str, list[NormalRow]]:
    """The normalised rows of each checked query, by query."""
    dialect = server.dialect
    found: dict[str, list[NormalRow]] = {}
    for account in CHECKED_ACCOUNTS:
        answer = await _answer(client, server, dialect.small_path, dialect.small_for(account))
        found[f"small {account}"] = sorted(dialect.small_rows(answer, account))
    answer = await _answer(client, server, dialect.large_path, dialect.large)
    found["large"] = sorted(dialect.large_rows(answer, ""))
    return found


def _count_problems(rows: dict[str, list[NormalRow]]) -> list[str]:
    problems = []
    for query, found in rows.items():
        expected = LARGE_ACCOUNTS * METRICS * len(MONTHS) if query == "large" else METRICS
        if len(found) != expected:
            problems.append(f"{query}: {len(found)} rows, expected {expected}")
    return problems


def _differences(query: str, mine: list[NormalRow], reference: list[NormalRow]) -> str:
    extra = sorted(set(mine) - set(reference))[:2]
    missing = sorted(set(reference) - set(mine))[:2]
    return f"{query}: {len(mine)} rows against {len(reference)}; extra {extra}, missing {missing}"


async def same_rows(client: httpx.AsyncClient, servers: list[Server]) -> list[str]:
    """What differs from the first server's rows (the reference), one line each; [] if none."""
    problems: list[str] = []
    reference: dict[str, list[NormalRow]] | None = None
    for server in servers:
        try:
            rows = await rows_of(client, server)
        except (ValueError, KeyError, TypeError, httpx.HTTPError) as exc:
            problems.append(f"{server.label}: no rows ({type(exc).__name__}: {exc})")
            continue
        problems += [f"{server.label}: {problem}" for problem in _count_problems(rows)]
        if reference is None:
            reference = rows
            continue
        for query, found in rows.items():
            if found != reference[query]:
                problems.append(f"{server.label}: {_differences(query, found, reference[query])}")
    return problems
