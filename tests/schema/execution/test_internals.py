"""The private names of Strawberry and graphql-core the fast paths rely on still exist, and the
switches that turn the fast paths off give the same answers (how an upgrade is tried)."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.build import build_schema
from schema.execution import field_gathering, internals
from schema.execution.compiled import CompiledLeanExecutor, CompiledStandardExecutor
from schema.execution.lean import LeanExecutor
from server.app import create_app
from settings import load_settings
from tests.api_client import TODAY
from tests.factories import Seed


@pytest.mark.parametrize("hook", internals.HOOKS, ids=lambda hook: f"{hook.owner}.{hook.name}")
def test_every_private_hook_still_exists(hook: internals.Hook) -> None:
    assert hook.present(), f"{hook.owner} no longer has {hook.name}: {hook.used_for}"


def test_building_the_schema_installs_the_field_gathering() -> None:
    build_schema()
    assert internals.installed_gather() is field_gathering.gather_all
    assert internals.installed_errors() is field_gathering.FieldErrors
    build_schema()  # again: still one replacement, never a wrapper of a wrapper
    assert internals.installed_gather() is field_gathering.gather_all
    assert internals.installed_errors() is field_gathering.FieldErrors


def test_the_switches_turn_the_fast_paths_off() -> None:
    fast = build_schema()
    uncompiled = build_schema(compiled_execution=False)
    plain = build_schema(lean_execution=False, prepared_queries=False, compiled_execution=False)
    assert fast.execution_context_class is CompiledLeanExecutor
    assert fast.prepared is not None
    assert fast.prepared.planner is not None
    assert uncompiled.execution_context_class is LeanExecutor
    assert uncompiled.prepared is not None
    assert uncompiled.prepared.planner is None
    assert plain.execution_context_class is StrawberryGraphQLCoreExecutionContext
    assert plain.prepared is None
    standard = build_schema(lean_execution=False)
    assert standard.execution_context_class is CompiledStandardExecutor


QUERY = """{ accounts(first: 5) { totalCount edges { node { accountId
  metrics { metricName value unit effectiveDate formattedValue(locale: "fr") }
  companies { companyId metrics(lastFullMonth: true) { value } } } } } }"""


async def test_answers_are_the_same_with_the_fast_paths_off(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.industry("retail")
    seed.definition("revenue", "EUR")
    seed.definition("tickets", "count")
    for n in range(3):
        seed.account(f"acc-{n}", industry="retail")
        seed.company(f"co-{n}", account=f"acc-{n}")
        for month in ("2023-03-01", "2023-04-01"):
            seed.metric("account", f"acc-{n}", "revenue", month, f"{1000 + n}.50")
            seed.metric("company", f"co-{n}", "tickets", month, str(n))
    await seed.write(engine)
    base = load_settings({"PROFILING_TODAY": TODAY})
    bodies = []
    for settings in (
        base,
        replace(base, lean_execution=False, prepared_queries=False, compiled_execution=False),
    ):
        app = create_app(settings=settings, engine=engine, require_keys=False)
        # The settings reach the schema: plans are made only with compiled execution on.
        prepared = app.state.schema.prepared
        assert (prepared is not None and prepared.planner is not None) is (
            settings.compiled_execution
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            # Twice: the second run of a text takes the prepared path where it is on.
            answers = [
                (await http.post("/graphql", json={"query": QUERY})).content for _ in range(2)
            ]
        assert answers[0] == answers[1]
        bodies.append(answers[0])
    assert bodies[0] == bodies[1]
    assert b'"acc-2"' in bodies[0]
    assert b"errors" not in bodies[0]
