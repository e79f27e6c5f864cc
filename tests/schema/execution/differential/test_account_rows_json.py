"""The compiled account-and-rows plan with its rows written as JSON text by the database
(schema/execution/account_rows_json.py, store/reads/account_metrics_json.py) answers byte for
byte as the standard path, for values of every shape, on SQLite and PostgreSQL.

Two levels: over HTTP, a seeded account whose values, names, units and months are each of an
odd shape, answered three ways (pipeline, compiled plan, graphql-core); and, at the store, a
hypothesis property over any decimal, name, unit and month: the database's text of an
account's rows is what orjson writes of the standard read's records (`str` of the Decimal,
`isoformat` of the date)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import orjson
import pytest
from graphql import parse
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.metrics import _filter_of
from schema.execution.account_rows import AccountRowsPlan
from server.answer_rows import answer_rows, answer_shape
from store.reads.account_metrics import accounts_with_metrics
from store.reads.account_metrics_json import RowColumn, RowField, accounts_with_rows_json
from store.running.reader import reader_for
from store.scope import INTERNAL, Role, Scope
from store.tables import ACCOUNT_TABLE, APP_TABLE, DEFINITION_TABLE, METRIC_TABLE
from tests.api_client import StatementCounter
from tests.factories import Seed, upsert
from tests.schema.execution.differential.support import (
    EXAMPLES,
    DifferentialClient,
    answer,
    count_account_rows,
)
from tests.schema.execution.differential.test_account_rows import _scoped
from tests.schema.query_corpus import Request

ODD = "odd-1"
EMPTY = "empty-1"
MONTH = "2023-06-01"
# Values of every shape: large, tiny (str(Decimal) writes an exponent below 1E-6, NUMERIC's
# text never does), negative, trailing zeros, zeros of many decimals, exponents as given.
ODD_VALUES = (
    "123456789012345678901234567890.123456789012345678901234567890",
    "1E-7",
    "1.0E-7",
    "-0.000000123000",
    "0.000001",
    "0.0000009999",
    "0E-8",
    "0.000000",
    "-12.50",
    "15000.000",
    "0",
    "-0",
    "1.5E+4",
    "7",
)
# Names and units of every kind of character JSON escapes or keeps as it is.
ODD_NAMES = (
    "réponse_€",
    "数字",
    'quote"back\\slash',
    "tab\tline\nend",
    "control\x01\x1f\x7f",
    "emoji😀",
    "line\u2028sep",
    "plain",
    "Zeta",
    "alpha",
    "a b",
    "z",
    "ünïcode",
    "last",
)


def _odd_seed() -> Seed:
    seed = Seed()
    seed.account(ODD, app="north")
    seed.account(EMPTY, app="north")
    seed.account("hidden-1", app="south")
    for number, (name, value) in enumerate(zip(ODD_NAMES, ODD_VALUES, strict=True)):
        seed.definition(name, f"unit {name} {number}")
        seed.metric("account", ODD, name, MONTH, value)
        seed.metric("account", "hidden-1", name, MONTH, value)
        # Other months: the year 999 (written with four digits) and a December.
        seed.metric("account", ODD, name, "0999-01-01", value)
        seed.metric("account", ODD, name, "2024-12-01", value)
    return seed


QUERIES = (
    """query ($id: String!, $month: Date!) { account(accountId: $id) {
        metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }""",
    """query ($id: String!) { a: account(accountId: $id) { __typename accountId name
        rows: metrics { date: effectiveDate __typename v: value n: metricName } } }""",
    """query ($id: String!) { account(accountId: $id) { metrics { unit } } }""",
)


@pytest.fixture
def scoped_client(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> Any:
    return lambda scope: _scoped(engine, monkeypatch, scope)


class _Counted:
    def __init__(self) -> None:
        self.answered = 0
        self.left = 0


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> _Counted:
    found = _Counted()

    def answered() -> None:
        found.answered += 1

    def left() -> None:
        found.left += 1

    count_account_rows(monkeypatch, answered=answered, left=left)
    return found


async def _three_ways(client: DifferentialClient, request: Request) -> tuple[bytes, bytes, bytes]:
    prepared = client.schema.prepared
    assert prepared is not None
    prepared.clear()
    pipeline = await answer(client.http, request)
    compiled = await answer(client.http, request)
    with client.without_plans():
        standard = await answer(client.http, request)
    return pipeline, compiled, standard


@pytest.mark.parametrize("query", QUERIES)
async def test_values_of_every_shape_answer_alike(
    client: DifferentialClient,
    engine: AsyncEngine,
    compiled: _Counted,
    sql_statements: StatementCounter,
    query: str,
) -> None:
    await _odd_seed().write(engine)
    for account in (ODD, EMPTY):
        request = Request(query, {"id": account, "month": MONTH})
        sql_statements.reset()
        pipeline, found, standard = await _three_ways(client, request)
        assert found == pipeline, request
        assert found == standard, request
        assert b'"errors"' not in found
        # The compiled answer's one statement was the JSON read.
        assert sum("json" in statement for statement in sql_statements.statements) == 1
    assert (compiled.answered, compiled.left) == (2, 0)


async def test_tiny_and_large_values_are_written_as_str_of_their_decimal(
    client: DifferentialClient, engine: AsyncEngine, compiled: _Counted
) -> None:
    await _odd_seed().write(engine)
    request = Request(QUERIES[0], {"id": ODD, "month": MONTH})
    await answer(client.http, request)
    found = orjson.loads(await answer(client.http, request))
    assert compiled.answered == 1
    values = {row["metricName"]: row["value"] for row in found["data"]["account"]["metrics"]}
    expected = {
        name: str(Decimal(value)) for name, value in zip(ODD_NAMES, ODD_VALUES, strict=True)
    }
    if engine.dialect.name == "postgresql":
        # NUMERIC keeps no exponent and no negative zero: the standard path prints the
        # Decimal of its text.
        expected = {name: str(Decimal(f"{Decimal(v):f}")) for name, v in expected.items()}
        expected = {name: "0" if v == "-0" else v for name, v in expected.items()}
    assert values == expected
    assert values["réponse_€"] != ""
    assert "1E-7" in values.values()


async def test_a_hidden_or_missing_account_is_left_to_the_standard_path_unread_again(
    engine: AsyncEngine,
    compiled: _Counted,
    sql_statements: StatementCounter,
    scoped_client: Any,
) -> None:
    await _odd_seed().write(engine)
    async with scoped_client(Scope(Role.APP, app_id="north")) as client:
        for account in ("hidden-1", "missing", ODD):
            request = Request(QUERIES[0], {"id": account, "month": MONTH})
            await answer(client.http, request)  # prepared from now on
            sql_statements.reset()
            found = await answer(client.http, request)
            statements = sql_statements.statements[:]
            with client.without_plans():
                standard = await answer(client.http, request)
            assert found == standard
            assert len(statements) == 1
            assert (b'"NOT_FOUND"' in found) == (account != ODD)
    # The operation is prepared by the first request: all but that one tried the plan.
    assert (compiled.answered, compiled.left) == (2, 3)


async def test_the_rows_of_text_are_counted_as_rows(
    client: DifferentialClient,
    engine: AsyncEngine,
    compiled: _Counted,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the rate limits charge (server/answer_rows.py) counts the rows written as text as
    it counts the same rows parsed."""
    await _odd_seed().write(engine)
    kept: list[Any] = []
    with_rows_json = AccountRowsPlan._with_rows_json

    async def keep(self: AccountRowsPlan, *args: Any) -> Any:
        data = await with_rows_json(self, *args)
        kept.append(data)
        return data

    monkeypatch.setattr(AccountRowsPlan, "_with_rows_json", keep)
    request = Request(QUERIES[1], {"id": ODD})
    await answer(client.http, request)  # prepared from now on
    parsed = orjson.loads(await answer(client.http, request))["data"]
    ((data, _inline),) = kept
    shape = answer_shape(parse(QUERIES[1]), None)
    assert answer_rows(data, shape) == answer_rows(parsed, shape) == 1 + 3 * len(ODD_NAMES)


_FIELDS = (
    RowField("metricName", RowColumn.METRIC_NAME),
    RowField("value", RowColumn.VALUE),
    RowField("unit", RowColumn.UNIT),
    RowField("effectiveDate", RowColumn.EFFECTIVE_DATE),
)

_DECIMALS = st.decimals(allow_nan=False, allow_infinity=False).filter(
    # NUMERIC holds at most 16,383 digits after the point; a thousand either way is plenty.
    lambda value: -1000 < value.as_tuple().exponent < 1000  # type: ignore[operator]
)
_TEXTS = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=6
)


@settings(EXAMPLES, max_examples=60)
@given(
    rows=st.lists(
        st.tuples(
            _TEXTS,
            _DECIMALS,
            _TEXTS,
            st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 1)),
        ),
        max_size=6,
        unique_by=lambda row: row[0],
    )
)
async def test_the_database_writes_any_rows_as_orjson_writes_the_standard_records(
    engine: AsyncEngine, rows: list[tuple[str, Decimal, str, dt.date]]
) -> None:
    async with engine.begin() as connection:
        await connection.execute(delete(METRIC_TABLE))
        await connection.execute(delete(DEFINITION_TABLE))
        await upsert(connection, APP_TABLE, [{"app_id": "default"}])
        await upsert(
            connection,
            ACCOUNT_TABLE,
            [
                {
                    "account_id": "prop",
                    "app_id": "default",
                    "name": "Prop",
                    "industry_id": None,
                    "is_key_account": False,
                    "n_employees": None,
                }
            ],
        )
        if rows:
            await upsert(
                connection,
                DEFINITION_TABLE,
                [{"name": name, "unit": unit} for name, _value, unit, _day in rows],
            )
            await upsert(
                connection,
                METRIC_TABLE,
                [
                    {
                        "level": "account",
                        "entity_id": "prop",
                        "metric_name": name,
                        "effective_date": day.replace(day=1),
                        "value": value,
                    }
                    for name, value, _unit, day in rows
                ],
            )
    metric_filter = _filter_of(None, None, None)
    reader = reader_for(engine)

    async def both(connection: Any) -> tuple[Any, Any]:
        standard = await accounts_with_metrics(
            connection, account_ids=["prop"], metric_filter=metric_filter, scope=INTERNAL
        )
        text = await accounts_with_rows_json(
            connection,
            account_ids=["prop"],
            metric_filter=metric_filter,
            scope=INTERNAL,
            fields=_FIELDS,
        )
        return standard, text

    standard, text = await reader.read(both)
    record, records = standard["prop"]
    json_record, json_text = text["prop"]
    assert json_record == record
    assert json_text.encode() == orjson.dumps(
        [
            {
                "metricName": row.metric_name,
                "value": str(row.value),
                "unit": row.unit,
                "effectiveDate": row.effective_date.isoformat(),
            }
            for row in records
        ]
    )
