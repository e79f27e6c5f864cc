"""Operations of the account-and-rows shape and their near misses, answered by the fast app
(fast POSTs, prepared documents, compiled plans: schema/execution/account_rows.py) and by an
app with every fast path off (PROFILING_FAST_POSTS, PROFILING_PREPARED_QUERIES and
PROFILING_LEAN_EXECUTION false), with real keys of every role: the same status, headers and
bytes, and the same requests and errors counted in /metrics, the same statements run
(tests/server/test_graphql_posts.py's Pair)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from settings import load_settings
from tests.api_client import TODAY
from tests.schema.execution.differential.support import EXAMPLES
from tests.schema.execution.differential.test_account_rows_generated import (
    Shape,
    account_rows_operations,
)
from tests.server.test_graphql_posts import (
    ROLES,
    Heard,
    Pair,
    ViewCalls,
    _fast_path,
    _hear,
    json_post,
    seeded_keys,
)

__all__ = ["seeded_keys"]  # a fixture of this module's tests


@pytest.fixture
async def all_off(
    engine: AsyncEngine, seeded_keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Pair]:
    fast = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    off: dict[str, Any] = {
        "PROFILING_TODAY": TODAY,
        "PROFILING_FAST_POSTS": "false",
        "PROFILING_PREPARED_QUERIES": "false",
        "PROFILING_LEAN_EXECUTION": "false",
    }
    standard = create_app(settings=load_settings(off), engine=engine)
    posts = _fast_path(fast)
    assert posts is not None
    pair = Pair(Heard(fast), Heard(standard), seeded_keys, ViewCalls(posts, monkeypatch))
    event.listen(engine.sync_engine, "before_cursor_execute", _hear)
    try:
        yield pair
        await pair.check_metrics()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", _hear)


@settings(EXAMPLES, max_examples=120)
@given(shape=account_rows_operations(), role=st.sampled_from(ROLES))
async def test_the_fast_app_answers_as_the_app_with_every_fast_path_off(
    all_off: Pair, shape: Shape, role: str
) -> None:
    post = json_post({"query": shape.query, "variables": shape.variables}, key=all_off.keys[role])
    await all_off.both(**post)  # the first time a text is seen: Strawberry's whole pipeline
    await all_off.both(**post)  # then its prepared document and compiled plan
    await all_off.both(**post)
