"""Queries that validated once run past Strawberry's pipeline and answer exactly as through it.

Every comparison is between two requests over HTTP on the same app and database: one through
the whole pipeline (nothing prepared yet) and one that runs the document prepared by it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from strawberry.extensions import SchemaExtension

from schema.build import _parses_and_validates_only, build_schema
from schema.execution.prepared import PreparedQueries
from settings import QueryLimits
from tests.schema.execution.differential.support import (
    ACCOUNTS,
    CORPUS,
    EXAMPLES,
    DifferentialClient,
    answer,
)
from tests.schema.query_corpus import Request, data_requests, requests


def _prepared(client: DifferentialClient) -> PreparedQueries:
    prepared = client.schema.prepared
    assert prepared is not None
    return prepared


def _forget(client: DifferentialClient) -> PreparedQueries:
    """Nothing prepared: the next request of any text takes the whole pipeline."""
    prepared = _prepared(client)
    prepared.clear()
    return prepared


async def _through_pipeline_then_prepared(
    client: DifferentialClient, request: Request
) -> tuple[bytes, bytes, bool]:
    prepared = _forget(client)
    first = await answer(client.http, request)
    hits = prepared.hits
    second = await answer(client.http, request)
    return first, second, prepared.hits == hits + 1


def _failed_before_execution(answer: bytes) -> bool:
    body = orjson.loads(answer)
    return any("path" not in error for error in body.get("errors", []))


@settings(EXAMPLES, max_examples=60)
@given(request=requests(CORPUS))
async def test_generated_queries_answer_alike_once_prepared(
    client: DifferentialClient, seeded: None, request: Request
) -> None:
    first, second, prepared = await _through_pipeline_then_prepared(client, request)
    assert first == second, request.query
    # Prepared exactly when nothing failed before execution (syntax, validation, limits).
    assert prepared is not _failed_before_execution(first), request.query


@settings(EXAMPLES, max_examples=60)
@given(request=data_requests(CORPUS))
async def test_generated_queries_over_the_seeded_data_answer_alike_once_prepared(
    client: DifferentialClient, seeded: None, request: Request
) -> None:
    first, second, prepared = await _through_pipeline_then_prepared(client, request)
    assert first == second, request.query
    assert prepared is not _failed_before_execution(first), request.query


ONE_ACCOUNT = """query ($id: String!, $loc: String) {
  account(accountId: $id) { accountId metrics { metricName value formattedValue(locale: $loc) } }
}"""


async def test_each_request_brings_its_own_variables(
    client: DifferentialClient, seeded: None
) -> None:
    prepared = _forget(client)
    await answer(client.http, Request(ONE_ACCOUNT, {"id": ACCOUNTS[0], "loc": "en"}))
    for variables in ({"id": ACCOUNTS[1], "loc": "fr"}, {"id": "missing", "loc": None}):
        hits = prepared.hits
        through_prepared = await answer(client.http, Request(ONE_ACCOUNT, variables))
        assert prepared.hits == hits + 1
        _forget(client)
        through_pipeline = await answer(client.http, Request(ONE_ACCOUNT, variables))
        assert through_prepared == through_pipeline
        account = orjson.loads(through_prepared)["data"]["account"]
        if variables["id"] == "missing":
            assert account is None
        else:
            assert account["accountId"] == variables["id"]
            assert account["metrics"]


@pytest.mark.parametrize(
    "variables",
    [{"id": 5}, {}, {"id": None}, {"id": ACCOUNTS[0], "loc": ["en"]}],
    ids=["wrong type", "missing", "null for non-null", "list for a string"],
)
async def test_bad_variables_are_refused_alike(
    client: DifferentialClient, seeded: None, variables: dict[str, Any]
) -> None:
    _forget(client)
    await answer(client.http, Request(ONE_ACCOUNT, {"id": ACCOUNTS[0]}))
    prepared = _prepared(client)
    hits = prepared.hits
    through_prepared = await answer(client.http, Request(ONE_ACCOUNT, variables))
    assert prepared.hits == hits + 1
    _forget(client)
    assert through_prepared == await answer(client.http, Request(ONE_ACCOUNT, variables))
    assert orjson.loads(through_prepared)["data"] is None


TWO_OPERATIONS = """
query Names { industries { industryId } }
query Accounts { accounts(first: 2) { edges { node { accountId } } } }
"""


async def test_the_operation_name_picks_the_operation_of_a_prepared_document(
    client: DifferentialClient, seeded: None
) -> None:
    _forget(client)
    names = await client.http.post(
        "/graphql", json={"query": TWO_OPERATIONS, "operationName": "Names"}
    )
    accounts = await client.http.post(
        "/graphql", json={"query": TWO_OPERATIONS, "operationName": "Accounts"}
    )
    assert _prepared(client).hits == 1
    assert "industries" in names.json()["data"]
    assert [edge["node"]["accountId"] for edge in accounts.json()["data"]["accounts"]["edges"]] == (
        ACCOUNTS[:2]
    )
    # No name, or a name the document does not have: the pipeline's own answers.
    for operation_name in (None, "Nope"):
        hits = _prepared(client).hits
        prepared_answer = await client.http.post(
            "/graphql", json={"query": TWO_OPERATIONS, "operationName": operation_name}
        )
        assert _prepared(client).hits == hits
        _forget(client)
        pipeline_answer = await client.http.post(
            "/graphql", json={"query": TWO_OPERATIONS, "operationName": operation_name}
        )
        assert prepared_answer.status_code == pipeline_answer.status_code
        assert prepared_answer.text == pipeline_answer.text


@pytest.mark.parametrize(
    "query",
    [
        "{ account(accountId: ) { accountId } }",
        "{ account(accountId: 1) { accountId } }",
        '{ account(accountId: "acc-1") { nope } }',
        "{ a: industries { b: accounts(first: 100) { edges { node { companies { contracts { "
        "metrics { value } } } } } } } }",
    ],
    ids=["syntax", "argument type", "unknown field", "over the cost limit"],
)
async def test_a_query_that_fails_before_execution_is_never_prepared(
    client: DifferentialClient, seeded: None, query: str
) -> None:
    prepared = _forget(client)
    answers = [await answer(client.http, Request(query, {})) for _ in range(2)]
    assert answers[0] == answers[1]
    assert _failed_before_execution(answers[0])
    assert (len(prepared), prepared.hits) == (0, 0)


def test_queries_kept_are_bounded_least_recently_used_out_first() -> None:
    from graphql import parse

    prepared = PreparedQueries(maxsize=2)
    for text in ("{ a }", "{ b }"):
        prepared.remember(text, parse(text))
    assert prepared.document("{ a }", None, None) is not None  # a is now the most recent
    prepared.remember("{ c }", parse("{ c }"))
    assert len(prepared) == 2
    assert prepared.document("{ b }", None, None) is None
    assert prepared.document("{ a }", None, None) is not None
    assert prepared.document("{ c }", None, None) is not None
    with pytest.raises(ValueError, match="maxsize"):
        PreparedQueries(maxsize=0)


def test_a_mutation_or_a_request_that_may_not_query_takes_the_pipeline() -> None:
    from graphql import parse
    from strawberry.types.graphql import OperationType

    prepared = PreparedQueries()
    prepared.remember("mutation { a }", parse("mutation { a }"))
    prepared.remember("{ a }", parse("{ a }"))
    assert prepared.document("mutation { a }", None, None) is None
    assert prepared.document("{ a }", None, {OperationType.MUTATION}) is None
    assert prepared.document("{ a }", None, {OperationType.QUERY}) is not None


class _Timing(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        yield


def test_an_extension_with_an_execute_hook_keeps_every_request_on_the_pipeline() -> None:
    assert not _parses_and_validates_only(_Timing)
    schema = build_schema(limits=QueryLimits())
    assert schema.prepared is not None
    for factory in schema.extensions:
        extension = factory() if callable(factory) else factory
        assert _parses_and_validates_only(type(extension))


def test_unknown_operation_names_are_not_kept() -> None:
    from graphql import parse

    text = "query A { a } query B { b }"
    prepared = PreparedQueries()
    prepared.remember(text, parse(text))
    for n in range(1000):  # names a client may make up: none is remembered
        assert prepared.document(text, f"Made{n}", None) is None
    assert prepared.document(text, "A", None) is not None
    assert prepared.document(text, "B", None) is not None
    assert (
        len(prepared._texts[text].by_sizes[None].queries) == 2
    )  # kept under the sizes given (none)
