"""Generated operations of the account-and-rows shape and its near misses, with generated
variables, under every kind of key: the compiled plan (schema/execution/account_rows.py)
answers byte for byte as Strawberry's pipeline and as graphql-core's own executor.

Each request is sent three times to the app of its key's scope: through the pipeline (nothing
prepared yet), prepared (the compiled plans), and prepared without plans through graphql-core's
executor (StrawberryGraphQLCoreExecutionContext)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from schema.build import ProfilingSchema, build_schema
from server import app as app_module
from settings import load_settings
from store.scope import INTERNAL, Role, Scope
from tests.api_client import TODAY
from tests.schema.execution.differential.support import (
    ACCOUNTS,
    EXAMPLES,
    MONTHS,
    DifferentialClient,
    answer,
    count_account_rows,
    read_kind,
)
from tests.schema.query_corpus import Request

SCOPES = {
    "internal": INTERNAL,
    "app-north": Scope(Role.APP, app_id="north"),
    "app-south": Scope(Role.APP, app_id="south"),
    "account-1": Scope(Role.ACCOUNT, account_id=ACCOUNTS[1]),
    "account-2": Scope(Role.ACCOUNT, account_id=ACCOUNTS[2]),
    "public": Scope(Role.PUBLIC),
}


@contextlib.asynccontextmanager
async def _clients(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[dict[str, DifferentialClient]]:
    clients: dict[str, DifferentialClient] = {}
    async with contextlib.AsyncExitStack() as stack:
        for name, scope in SCOPES.items():
            built: list[ProfilingSchema] = []

            def build_and_keep(built: list[ProfilingSchema] = built, **options: Any) -> Any:
                built.append(build_schema(**options))
                return built[-1]

            monkeypatch.setattr(app_module, "build_schema", build_and_keep)
            app = app_module.create_app(
                require_keys=False,
                keyless_scope=scope,
                settings=load_settings({"PROFILING_TODAY": TODAY}),
                engine=engine,
            )
            (schema,) = built
            http = await stack.enter_async_context(
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://testserver"
                )
            )
            clients[name] = DifferentialClient(http, schema)
        yield clients


@pytest.fixture
async def scoped_clients(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[dict[str, DifferentialClient]]:
    async with _clients(engine, monkeypatch) as clients:
        yield clients


@dataclass(frozen=True)
class Shape:
    query: str
    variables: dict[str, Any]


# Literals of the `metrics` arguments, and variables standing for them.
_NAMES_LITERALS = ["null", "[]", '["revenue"]', '["revenue", "tickets", "revenue"]', '["nope"]']
_NAMES_LITERALS += ['"revenue"', '["legacy_score"]']
_DATES_LITERALS = ["null", "[]", '["2023-03-15"]', '["2023-02-01", "2023-04-30"]', '"2023-03-01"']
_DATES_LITERALS += ['["2023-03-01", $month]', '["1999-01-01"]']
_LAST_LITERALS = ["true", "false", "null"]
_NAMES_VALUES: list[Any] = [
    None,
    [],
    ["revenue"],
    ["revenue", "legacy_score", "revenue"],
    ["unknown"],
]
_NAMES_VALUES += ["revenue", ["tickets", "reply_rate"]]
_DATE_VALUES: list[Any] = [*MONTHS, "2023-02-28", "2023-13-01", "2022-12-01", None, 5]
_DATES_VALUES: list[Any] = [None, [], [MONTHS[0]], [MONTHS[1], "2023-04-15"], MONTHS[2]]
_DATES_VALUES += [["soon"]]
_LAST_VALUES: list[Any] = [None, True, False, "yes"]
_ACCOUNT_FIELDS = ["accountId", "name", "app", "isKeyAccount", "nEmployees", "__typename", "id"]
_ACCOUNT_MISSES = ["industry { name }", "companies { companyId }", "__typename @skip(if: false)"]
_ROW_FIELDS = ["metricName", "value", "unit", "effectiveDate", "__typename", "m: metricName"]
_ROW_MISSES = ['formattedValue(locale: "fr")', "currency", "figureKind", "value @include(if: true)"]


@st.composite
def account_rows_operations(draw: st.DrawFn) -> Shape:
    variables: dict[str, Any] = {}
    declared: dict[str, str] = {}
    # The account id: a variable or a literal.
    account = draw(st.sampled_from([*ACCOUNTS[:5], *ACCOUNTS[:3], "missing", "", "ACC-1"]))
    id_kind = draw(st.sampled_from(["variable", "literal", "default", "escaped"]))
    if id_kind == "variable":
        declared["id"] = "String!"
        variables["id"] = account
        id_argument = "$id"
    elif id_kind == "default":
        declared["id"] = f'String! = "{account}"'
        if draw(st.booleans()):
            variables["id"] = draw(st.sampled_from([ACCOUNTS[1], "missing", None]))
        id_argument = "$id"
    elif id_kind == "escaped":
        escaped = "".join(f"\\u{ord(c):04x}" if c.isdigit() else c for c in account)
        id_argument = draw(st.sampled_from([f'"{escaped}"', f'"""{account}"""']))
    else:
        id_argument = f'"{account}"'
    arguments: list[str] = []
    uses_month = False
    names_kind = draw(st.sampled_from(["absent", "literal", "variable"]))
    if names_kind == "literal":
        arguments.append(f"names: {draw(st.sampled_from(_NAMES_LITERALS))}")
    elif names_kind == "variable":
        declared["names"] = draw(st.sampled_from(["[String!]", "[String!]!", "[String]"]))
        variables["names"] = draw(st.sampled_from(_NAMES_VALUES))
        arguments.append("names: $names")
    dates_kind = draw(st.sampled_from(["absent", "literal", "variable", "month"]))
    if dates_kind == "literal":
        literal = draw(st.sampled_from(_DATES_LITERALS))
        uses_month = "$month" in literal
        arguments.append(f"effectiveDates: {literal}")
    elif dates_kind == "variable":
        declared["dates"] = "[Date!]"
        variables["dates"] = draw(st.sampled_from(_DATES_VALUES))
        arguments.append("effectiveDates: $dates")
    elif dates_kind == "month":
        uses_month = True
        arguments.append("effectiveDates: [$month]")
    if uses_month:
        declared["month"] = "Date!"
        variables["month"] = draw(st.sampled_from(_DATE_VALUES))
    last_kind = draw(st.sampled_from(["absent", "literal", "variable", "default"]))
    if last_kind == "literal":
        arguments.append(f"lastFullMonth: {draw(st.sampled_from(_LAST_LITERALS))}")
    elif last_kind in ("variable", "default"):
        declared["last"] = "Boolean" if last_kind == "variable" else "Boolean = true"
        if last_kind == "variable" or draw(st.booleans()):
            variables["last"] = draw(st.sampled_from(_LAST_VALUES))
        arguments.append("lastFullMonth: $last")
    arguments = draw(st.permutations(arguments))
    rows = draw(st.lists(st.sampled_from(_ROW_FIELDS), min_size=1, max_size=4, unique=True))
    if draw(st.integers(0, 9)) == 0:
        rows.append(draw(st.sampled_from(_ROW_MISSES)))
    fields = draw(st.lists(st.sampled_from(_ACCOUNT_FIELDS), max_size=3, unique=True))
    if draw(st.integers(0, 9)) == 0:
        fields.append(draw(st.sampled_from(_ACCOUNT_MISSES)))
    metrics_alias = draw(st.sampled_from(["", "rows: ", "metrics: "]))
    call = f"({', '.join(arguments)})" if arguments else ""
    metrics = f"{metrics_alias}metrics{call} {{ {' '.join(rows)} }}"
    fields.insert(draw(st.integers(0, len(fields))), metrics)
    account_alias = draw(st.sampled_from(["", "a: "]))
    body = f"{account_alias}account(accountId: {id_argument}) {{ {' '.join(fields)} }}"
    near_miss = draw(st.integers(0, 11))
    if near_miss == 1:
        body = f"__typename {body}"
    elif near_miss == 2:
        body = f"... on Query {{ {body} }}"
    elif near_miss == 3:
        body = f"{body} viewer {{ role }}"
    definitions = ", ".join(f"${name}: {kind}" for name, kind in declared.items())
    header = "query" + (" Named" if draw(st.booleans()) else "")
    if definitions:
        header += f" ({definitions})"
    return Shape(f"{header} {{ {body} }}", variables)


async def _standard(client: DifferentialClient, request: Request) -> bytes:
    with client.without_plans(), client.standard_executor():
        return await answer(client.http, request)


class _Work:
    """The statements a request ran and the connections it took from the pool."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements: list[str] = []
        self.checkouts = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(engine.sync_engine.pool, "checkout", self._checkout)
        self._engine = engine

    def _statement(self, *args: Any) -> None:
        self.statements.append(str(args[2]))

    def _checkout(self, *_args: Any) -> None:
        self.checkouts += 1

    def take(self) -> tuple[list[str], int]:
        taken = (self.statements[:], self.checkouts)
        self.statements.clear()
        self.checkouts = 0
        return taken

    def close(self) -> None:
        event.remove(self._engine.sync_engine, "before_cursor_execute", self._statement)
        event.remove(self._engine.sync_engine.pool, "checkout", self._checkout)


class _Tries:
    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def tries(monkeypatch: pytest.MonkeyPatch) -> _Tries:
    """How often a compiled account-and-rows plan was tried."""
    found = _Tries()

    def tried() -> None:
        found.count += 1

    count_account_rows(monkeypatch, answered=tried, left=tried)
    return found


@pytest.fixture
def work(engine: AsyncEngine) -> Iterator[_Work]:
    found = _Work(engine)
    yield found
    found.close()


@settings(EXAMPLES, max_examples=400)
@given(shape=account_rows_operations(), scope=st.sampled_from(sorted(SCOPES)))
async def test_generated_operations_answer_alike_under_every_key(
    scoped_clients: dict[str, DifferentialClient],
    seeded: None,
    work: _Work,
    tries: _Tries,
    shape: Shape,
    scope: str,
) -> None:
    client = scoped_clients[scope]
    request = Request(shape.query, shape.variables)
    prepared = client.schema.prepared
    assert prepared is not None
    prepared.clear()
    pipeline = await answer(client.http, request)
    work.take()
    before = tries.count
    compiled = await answer(client.http, request)
    compiled_work = work.take()
    tried = tries.count > before
    again = await answer(client.http, request)  # the plan kept from the request before
    work.take()
    standard = await _standard(client, request)
    standard_work = work.take()
    assert compiled == pipeline, (scope, request)
    assert compiled == standard, (scope, request)
    assert again == compiled, (scope, request)
    # The same statements (nothing read twice when the plan leaves the request to another
    # path), on as many connections; in any order (reads of fields side by side, as beside
    # an error, start in the order each executor reaches them).
    assert sorted(map(read_kind, compiled_work[0])) == sorted(map(read_kind, standard_work[0])), (
        scope,
        request,
        tried,
    )
    assert compiled_work[1] == standard_work[1], (scope, request, tried)


@settings(EXAMPLES, max_examples=60)
@given(
    requests=st.lists(
        st.tuples(account_rows_operations(), st.sampled_from(sorted(SCOPES))),
        min_size=2,
        max_size=6,
    )
)
async def test_concurrent_requests_of_one_loop_answer_as_each_alone(
    scoped_clients: dict[str, DifferentialClient],
    seeded: None,
    requests: list[tuple[Shape, str]],
) -> None:
    # Requests of one event loop turn may share PostgreSQL statements (store/running/
    # shared_reads.py): each must still get its own key's answer.
    alone = []
    for shape, scope in requests:
        client = scoped_clients[scope]
        request = Request(shape.query, shape.variables)
        await answer(client.http, request)  # prepared from now on
        alone.append(await _standard(client, request))
    together = await asyncio.gather(
        *(
            answer(scoped_clients[scope].http, Request(shape.query, shape.variables))
            for shape, scope in requests
        )
    )
    assert list(together) == alone, requests
