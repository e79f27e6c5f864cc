"""What the differential tests share: data seeded so that most generated queries find rows,
the corpus of queries over it, and a client of the app whose schema the tests can reach."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
from graphql import ValueNode
from hypothesis import HealthCheck, Phase, settings
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from resolvers.global_ids import encode_global_id
from resolvers.pagination import encode_cursor
from schema.build import ProfilingSchema, build_schema
from schema.execution.account_rows import AccountRowsPlan
from schema.execution.internals import graphql_schema
from schema.execution.lean import LeanExecutor
from server import app as app_module
from settings import load_settings
from tests.api_client import TODAY, GraphQLClient
from tests.factories import Seed
from tests.schema.query_corpus import NULL, Corpus, Request, boolean, integer, string, strings

MONTHS = ("2023-02-01", "2023-03-01", "2023-04-01")
METRICS = {
    "revenue": "EUR",
    "minutes_saved": "minutes",
    "reply_rate": "percent",
    "tickets": "count",
    # A unit no formatter knows: formattedValue of its rows is an error.
    "legacy_score": "furlongs",
}
ACCOUNTS = [f"acc-{n}" for n in range(8)]
COMPANIES = [f"acc-{n}-co{c}" for n in range(8) for c in range(n % 3)]
CONTRACTS = [f"{company}-ct" for company in COMPANIES]
LOCALES = ("en", "fr", "de_CH", "pt-BR", "", "xx", "not a locale")


async def seed(engine: AsyncEngine) -> None:
    seed = Seed()
    seed.industry("retail")
    seed.industry("energy")  # two accounts: below the cohort minimum
    for name, unit in METRICS.items():
        seed.definition(name, unit)
    for n, account in enumerate(ACCOUNTS):
        seed.account(
            account,
            industry="retail" if n < 6 else "energy",
            app=("north", "south")[n % 2],
            key=n % 3 == 0,
            employees=None if n % 2 else 10 * n,
        )
        for m, month in enumerate(MONTHS):
            for k, name in enumerate(("revenue", "minutes_saved", "reply_rate", "tickets")):
                if (n + m + k) % 5:
                    seed.metric("account", account, name, month, f"{n * 1000 + m * 10 + k}.{k}")
        if n == 3:
            seed.metric("account", account, "legacy_score", MONTHS[1], "7")
    for company in COMPANIES:
        seed.company(company, account=company.split("-co")[0])
        seed.metric("company", company, "revenue", MONTHS[2], "-12.5")
    for contract in CONTRACTS:
        seed.contract(contract, company=contract.removesuffix("-ct"))
        seed.metric("contract", contract, "minutes_saved", MONTHS[0], "90")
    seed.metric("industry", "retail", "reply_rate", MONTHS[1], "42.5")
    await seed.write(engine)


def _values() -> dict[str, list[ValueNode]]:
    global_ids = [
        encode_global_id("Account", ACCOUNTS[1]),
        encode_global_id("Company", COMPANIES[0]),
        encode_global_id("Contract", CONTRACTS[0]),
        encode_global_id("Industry", "retail"),
        "not-an-id",
    ]
    return {
        "accountId": [string(account) for account in (*ACCOUNTS[:5], "missing")],
        "companyId": [string(company) for company in (*COMPANIES[:3], "missing")],
        "contractId": [string(contract) for contract in (*CONTRACTS[:3], "missing")],
        "industryId": [string("retail"), string("energy"), string("missing")],
        "industry": [string("retail"), string("energy"), NULL],
        "id": [string(global_id) for global_id in global_ids],
        "accountIds": [strings(ACCOUNTS[:3]), strings(["acc-5", "missing"]), NULL],
        "companyIds": [strings(COMPANIES[3:0:-1]), strings(["missing", COMPANIES[0]]), NULL],
        "contractIds": [strings(CONTRACTS[:3]), strings([CONTRACTS[4], "missing"]), NULL],
        "search": [string("acc-1"), string("ACCOUNT"), string("%"), NULL],
        "names": [strings(["revenue"]), strings(["tickets", "reply_rate"]), strings([]), NULL],
        "effectiveDates": [strings(["2023-03-15"]), strings(["2023-02-01", "2023-04-30"]), NULL],
        "lastFullMonth": [boolean(True), boolean(False), NULL],
        "first": [integer(1), integer(3), integer(100), integer(0), NULL],
        "after": [
            string(encode_cursor(ACCOUNTS[2])),
            NULL,
            string("garbage"),
            string(encode_cursor(COMPANIES[1], "company")),
            string(encode_cursor(CONTRACTS[1], "contract")),
        ],
        "app": [string("north"), string("south"), string("nowhere"), NULL],
        "isKeyAccount": [boolean(True), boolean(False), NULL],
        "metric": [string("revenue"), string("reply_rate"), string("unknown")],
    }


CORPUS = Corpus(
    schema=graphql_schema(build_schema()),
    root_fields=(
        "account",
        "accounts",
        "companies",
        "contracts",
        "company",
        "contract",
        "industry",
        "industries",
        "node",
        "metricDefinitions",
    ),
    argument_values=_values(),
    locales=LOCALES,
)


@dataclass
class DifferentialClient(GraphQLClient):
    schema: ProfilingSchema

    @contextlib.contextmanager
    def standard_executor(self) -> Iterator[None]:
        """graphql-core's own completion, as strawberry runs it without the lean executor (nor
        compiled plans, which need an executor that follows them)."""
        fast = self.schema.execution_context_class
        self.schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
        try:
            yield
        finally:
            self.schema.execution_context_class = fast

    @contextlib.contextmanager
    def without_plans(self) -> Iterator[None]:
        """Prepared documents executed by graphql-core's own argument reading, resolver calls
        and variable coercion (the executor stays the same)."""
        prepared = self.schema.prepared
        assert prepared is not None
        planner = prepared.planner
        prepared.planner = None
        try:
            yield
        finally:
            prepared.planner = planner


@contextlib.asynccontextmanager
async def differential_client(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DifferentialClient]:
    """The app, with a handle on its schema to switch executors."""
    built: list[ProfilingSchema] = []

    def build_and_keep(**options: Any) -> ProfilingSchema:
        built.append(build_schema(**options))
        return built[-1]

    monkeypatch.setattr(app_module, "build_schema", build_and_keep)
    app = app_module.create_app(
        require_keys=False, settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine
    )
    (schema,) = built
    assert issubclass(schema.execution_context_class, LeanExecutor)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield DifferentialClient(http, schema)


async def answer(http: httpx.AsyncClient, request: Request) -> bytes:
    response = await http.post(
        "/graphql", json={"query": request.query, "variables": request.variables}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = orjson.loads(response.content)
    errors = body.get("errors", [])
    # Unexpected errors carry a fresh request id each time: the rest must be equal.
    for error in errors:
        error.get("extensions", {}).pop("requestId", None)
    # Errors of concurrent fields come in the order their reads finish (the spec gives none).
    errors.sort(key=orjson.dumps)
    return orjson.dumps(body)


EXAMPLES = settings(
    deadline=None,
    # A failure is reported as generated: shrinking pairs of requests can take minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# The account's columns first, as both forms of the account-and-rows read select them.
_ACCOUNT_READ = (
    "SELECT account.account_id, account.app_id, account.name, account.industry_id, "
    "account.is_key_account, account.n_employees, "
)


def read_kind(statement: str) -> str:
    """A statement as these tests compare it: the account joined to its rows is one read
    whether the rows come as columns or as the JSON text the database writes
    (account_rows_json.py), and is known by its condition on the account, the scope's
    included, which must be the same."""
    if not statement.startswith(_ACCOUNT_READ) or "metric_value" not in statement:
        return statement
    condition = statement[statement.rindex("\nWHERE ") :]
    # PostgreSQL's parameters numbered as they come: the JSON form has more before these.
    condition = re.sub(r"\$\d+", "$", condition[: condition.index(" ORDER BY")])
    return "the account with its rows" + condition


def count_account_rows(
    monkeypatch: pytest.MonkeyPatch,
    *,
    answered: Callable[[], None],
    left: Callable[[], None] = lambda: None,
) -> None:
    """Call `answered` each time a compiled account-and-rows plan answers a request, `left`
    each time it leaves one to the other paths, whichever of its two ways ran it: awaited
    (`execute`), or at once for a read that runs inline (`answer_now`, which answers None,
    having done nothing, when the read would not run inline)."""
    execute = AccountRowsPlan.execute
    answer_now = AccountRowsPlan.answer_now

    async def counted(self: AccountRowsPlan, *args: Any) -> Any:
        try:
            data = await execute(self, *args)
        except Exception:
            left()
            raise
        answered()
        return data

    def counted_now(self: AccountRowsPlan, *args: Any) -> Any:
        try:
            data = answer_now(self, *args)
        except Exception:
            left()
            raise
        if data is not None:
            answered()
        return data

    monkeypatch.setattr(AccountRowsPlan, "execute", counted)
    monkeypatch.setattr(AccountRowsPlan, "answer_now", counted_now)
