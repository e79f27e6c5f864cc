"""The rows written as JSON text by the database (schema/execution/account_rows_json.py,
store/reads/account_metrics_json.py): data the standard path prints one way and the text
another, and the order, scope and errors of that path, on both stores."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind
from store.scope import Role, Scope
from tests.api_client import StatementCounter
from tests.factories import Seed
from tests.schema.execution.differential import test_account_rows_json as json_tests
from tests.schema.execution.differential.support import DifferentialClient, answer
from tests.schema.execution.differential.test_account_rows import _scoped
from tests.schema.query_corpus import Request
from tests.store.ingest.support import load_text
from tests.store.test_migrate import _migrate_to

# The fixture counting the compiled plan's answers, as the rows-as-JSON tests have it.
compiled = json_tests.compiled
_Counted = json_tests._Counted

MONTH = "2023-06-01"
QUERY = """query ($id: String!) { account(accountId: $id) {
    metrics { metricName value unit effectiveDate } } }"""


async def _compiled_and_standard(
    client: DifferentialClient, request: Request
) -> tuple[bytes, bytes]:
    await answer(client.http, request)  # prepared from now on
    found = await answer(client.http, request)
    with client.without_plans():
        standard = await answer(client.http, request)
    return found, standard


async def test_many_rows_names_by_case_analyzed_and_indexed_keep_the_standard_order(
    client: DifferentialClient, engine: AsyncEngine, compiled: _Counted
) -> None:
    seed = Seed()
    seed.account("many", app="north")
    names = [f"{prefix}{n:03d}" for n in range(40) for prefix in ("m", "M", "_m", "é")]
    for name in names:
        seed.definition(name, "count")
    months = [f"{year}-{month:02d}-01" for year in (2021, 2022, 2023) for month in range(1, 13)]
    for name in reversed(names):
        for month in reversed(months):
            seed.metric("account", "many", name, month, "1")
    await seed.write(engine)
    request = Request(QUERY, {"id": "many"})
    found, standard = await _compiled_and_standard(client, request)
    assert found == standard
    try:
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.execute(
                text("CREATE INDEX ix_review ON metric_value (entity_id, effective_date DESC)")
            )
            if engine.dialect.name == "postgresql":
                await connection.execute(text("ANALYZE metric_value"))
        found, standard = await _compiled_and_standard(client, request)
    finally:
        # The PostgreSQL database outlives the test (its tables are emptied, not dropped).
        async with engine.begin() as connection:
            await connection.execute(text("DROP INDEX IF EXISTS ix_review"))
    assert found == standard
    assert len(orjson.loads(found)["data"]["account"]["metrics"]) == len(names) * len(months)
    assert compiled.answered >= 2


async def test_mixed_scopes_in_one_loop_turn_each_get_their_own(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, compiled: _Counted
) -> None:
    seed = Seed()
    seed.definition("revenue", "EUR")
    for account, app in (("n-1", "north"), ("s-1", "south")):
        seed.account(account, app=app)
        seed.metric("account", account, "revenue", MONTH, "5")
    await seed.write(engine)
    scopes = [
        Scope(Role.APP, app_id="north"),
        Scope(Role.APP, app_id="south"),
        Scope(Role.ACCOUNT, account_id="n-1"),
        Scope(Role.PUBLIC),
    ]
    async with contextlib_stack(engine, monkeypatch, scopes) as clients:
        for client in clients:  # prepared
            await answer(client.http, Request(QUERY, {"id": "n-1"}))
        for account in ("n-1", "s-1"):
            found = await asyncio.gather(
                *(answer(client.http, Request(QUERY, {"id": account})) for client in clients)
            )
            seen = [b'"metrics":[{' in one for one in found]
            if account == "n-1":
                assert seen == [True, False, True, False]
            else:
                assert seen == [False, True, False, False]


def contextlib_stack(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, scopes: list[Scope]
) -> Any:
    import contextlib

    @contextlib.asynccontextmanager
    async def clients() -> Any:
        async with contextlib.AsyncExitStack() as stack:
            yield [
                await stack.enter_async_context(_scoped(engine, monkeypatch, scope))
                for scope in scopes
            ]

    return clients()


# Texts a store may hold that are not as their Decimal prints them: an older release's (another
# script's digit), and a store written by hand; and texts that are (left as they are).
_STORED_TEXTS = {
    "1\u0660": "10",
    "+5": "5",
    ".50": "0.50",
    "-.5": "-0.5",
    "5.": "5",
    "007": "7",
    "1e3": "1E+3",
    "1E3": "1E+3",
    "0.0000001": "1E-7",
    " 7 ": "7",
    "1E-7": "1E-7",
    "-0": "-0",
    "15000.0": "15000.0",
    "10.0000001": "10.0000001",
}


async def test_a_value_stored_by_an_older_release_as_written_answers_as_the_standard_path(
    client: DifferentialClient, engine: AsyncEngine, compiled: _Counted
) -> None:
    """Releases from d4ac872 to 627579b kept a SQLite value's text as written when its digits
    matched `\\d`, of any script: '1' and an Arabic-Indic zero (U+0660), which Decimal reads
    as 10. The text the database writes quotes the stored text; the upgrade (revision 0023)
    rewrites such texts as their Decimal prints them."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps NUMERIC")
    seed = Seed()
    seed.account("old", app="north")
    for number in range(len(_STORED_TEXTS)):
        seed.definition(f"m{number:02d}", "count")
        seed.metric("account", "old", f"m{number:02d}", MONTH, "1")
    await seed.write(engine)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "0022", down=True)
            for number, stored in enumerate(_STORED_TEXTS):
                await connection.execute(
                    text("UPDATE metric_value SET value = :value WHERE metric_name = :name"),
                    {"value": stored, "name": f"m{number:02d}"},
                )
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
    found, standard = await _compiled_and_standard(client, Request(QUERY, {"id": "old"}))
    values = [row["value"] for row in orjson.loads(standard)["data"]["account"]["metrics"]]
    assert values == list(_STORED_TEXTS.values())
    assert found == standard
    assert compiled.answered == 1


async def test_a_name_with_a_nul_answers_as_the_standard_path(
    client: DifferentialClient, engine: AsyncEngine, compiled: _Counted
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's text holds no NUL")
    seed = Seed()
    seed.account("nul", app="north")
    seed.definition("a\x00b", "unit\x00x")
    seed.metric("account", "nul", "a\x00b", MONTH, "1")
    await seed.write(engine)
    found, standard = await _compiled_and_standard(client, Request(QUERY, {"id": "nul"}))
    assert found == standard


async def test_a_dropped_table_answers_as_the_standard_path(
    client: DifferentialClient, engine: AsyncEngine, compiled: _Counted
) -> None:
    seed = Seed()
    seed.account("gone", app="north")
    seed.definition("revenue", "EUR")
    seed.metric("account", "gone", "revenue", MONTH, "1")
    await seed.write(engine)
    request = Request(QUERY, {"id": "gone"})
    await answer(client.http, request)
    async with engine.begin() as connection:
        await connection.execute(text("ALTER TABLE metric_value RENAME TO metric_value_gone"))
    try:
        found = await answer(client.http, request)
        with client.without_plans():
            standard = await answer(client.http, request)
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("ALTER TABLE metric_value_gone RENAME TO metric_value"))
    assert found == standard
    assert b'"errors"' in found


@pytest.mark.parametrize("account", ["a\x00b", "x" * 5000, "é\u2028", "\\'\""])
async def test_odd_account_ids_answer_as_the_standard_path(
    client: DifferentialClient, engine: AsyncEngine, compiled: _Counted, account: str
) -> None:
    seed = Seed()
    seed.account("real", app="north")
    seed.definition("revenue", "EUR")
    seed.metric("account", "real", "revenue", MONTH, "1")
    await seed.write(engine)
    found, standard = await _compiled_and_standard(client, Request(QUERY, {"id": account}))
    assert found == standard


# Numbers as exports write them: grouped, with an exponent, in parentheses, tiny, other
# scripts' digits, many decimals.
_INGESTED = (
    '"1,234.50"',
    "1.5E+3",
    "(500)",
    "0.0000001",
    "1\u0660",
    "\u0661\u0662",
    "0.00000000",
    "-0",
    "123456789012345678901234567890.1234567890123456789012345678901",
    "007",
    "+5",
    ".5",
)


async def test_values_written_by_the_ingest_answer_as_the_standard_path(
    client: DifferentialClient, engine: AsyncEngine, compiled: _Counted, tmp_path: Path
) -> None:
    names = [f"m{number:02d}" for number in range(len(_INGESTED))]
    await load_text(
        engine,
        tmp_path,
        IngestKind.DEFINITIONS,
        "name,unit\n" + "".join(f"{name},count\n" for name in names),
    )
    await load_text(engine, tmp_path, IngestKind.ACCOUNTS, "account_id,name\ningested,In\n")
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value\n"
        + "".join(
            f"account,ingested,{name},{MONTH},{value}\n"
            for name, value in zip(names, _INGESTED, strict=True)
        ),
    )
    assert report.rows_written == len(names), report
    found, standard = await _compiled_and_standard(client, Request(QUERY, {"id": "ingested"}))
    assert len(orjson.loads(standard)["data"]["account"]["metrics"]) == len(names)
    assert found == standard
    assert compiled.answered == 1


# Shapes next to the compiled one: each answers as the standard path, through the text or not.
_SHAPES = (
    "query ($id: String!) { account(accountId: $id) { metrics { __typename } } }",
    "query ($id: String!) { account(accountId: $id) { id accountId name app isKeyAccount "
    "__typename metrics { value } } }",
    "query ($id: String!) { account(accountId: $id) { nEmployees metrics { value } } }",
    "query ($id: String!) { account(accountId: $id) { metrics { value formattedValue } } }",
    "query ($id: String!) { account(accountId: $id) { metrics { t: __typename u: unit } } }",
    "query ($id: String!, $n: [String!]) { account(accountId: $id) { "
    "metrics(names: $n, lastFullMonth: false) { value } } }",
    "query ($id: String!, $no: Boolean!) { account(accountId: $id) { "
    "metrics { value unit @skip(if: $no) } } }",
    "query ($id: String!) { account(accountId: $id) { metrics { ... on MetricRow { value } } } }",
)


@pytest.mark.parametrize("query", _SHAPES)
async def test_shapes_next_to_the_compiled_one_answer_as_the_standard_path(
    client: DifferentialClient, engine: AsyncEngine, compiled: _Counted, query: str
) -> None:
    seed = Seed()
    seed.account("shape", app="north", employees=12)
    seed.definition("revenue", "EUR")
    seed.definition("Revenue", "count")
    for month in ("2023-05-01", MONTH):
        seed.metric("account", "shape", "revenue", month, "15000.0")
        seed.metric("account", "shape", "Revenue", month, "-0.5")
    await seed.write(engine)
    for variables in (
        {"id": "shape", "n": ["Revenue"], "no": True},
        {"id": "shape", "n": None, "no": False},
    ):
        found, standard = await _compiled_and_standard(client, Request(query, variables))
        assert found == standard
        assert b'"errors"' not in found


async def test_new_aliases_of_the_rows_fields_build_no_new_statement(
    client: DifferentialClient,
    engine: AsyncEngine,
    compiled: _Counted,
    sql_statements: StatementCounter,
) -> None:
    """Response names are part of the text the database writes: written into the statement,
    each new alias was a statement to build (6 ms of CPU) and to cache, as many as a client
    likes. Aliased keys are bound: one statement for a sequence of columns, whatever the names;
    a column repeated under several aliases takes the records' read."""
    seed = Seed()
    seed.account("alias", app="north")
    seed.definition("revenue", "EUR")
    seed.metric("account", "alias", "revenue", MONTH, "15000.0")
    await seed.write(engine)
    texts: set[str] = set()
    for number in range(4):
        query = (
            "query ($id: String!) { account(accountId: $id) { "
            f"metrics {{ n{number}: metricName v{number}: value unit }} }} }}"
        )
        found, standard = await _compiled_and_standard(client, Request(query, {"id": "alias"}))
        assert found == standard
        assert f'"v{number}":"15000.0"'.encode() in found
        texts.update(text for text in sql_statements.statements if "json" in text)
    assert len(texts) == 1
    assert compiled.answered == 4
    sql_statements.reset()
    query = """query ($id: String!) { account(accountId: $id) {
        metrics { a: value b: value c: value } } }"""
    found, standard = await _compiled_and_standard(client, Request(query, {"id": "alias"}))
    assert found == standard
    assert not any("json" in text for text in sql_statements.statements)
