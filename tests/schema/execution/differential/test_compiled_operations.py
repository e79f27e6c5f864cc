"""Prepared operations run by their compiled plan answer exactly as through the standard path.

Each comparison sends one request three times over HTTP to the same app and database: through
Strawberry's whole pipeline (nothing prepared yet), then prepared and run by its compiled plan,
then prepared and run by graphql-core's own variable coercion, argument reading and Strawberry's
resolver wrapper (`without_plans`). The generated queries are the corpus's, with literal
arguments turned into variables whose values are kept, made null, left out or given a wrong
type, a list or an object: valid requests, and every way a request's variables can be refused."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLInputType,
    NameNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    parse,
    parse_type,
    print_ast,
    value_from_ast_untyped,
    visit,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from schema.execution.prepared import PreparedQueries
from tests.schema.execution.differential.support import (
    ACCOUNTS,
    CORPUS,
    EXAMPLES,
    DifferentialClient,
    answer,
)
from tests.schema.query_corpus import Request, data_requests, requests

# Values a client may send instead of the right one.
WRONG_VALUES = (5, "text", True, 1.5, ["acc-1"], {"a": 1}, [None], "2023-13-45", -1, 1000)


def _prepared(client: DifferentialClient) -> PreparedQueries:
    prepared = client.schema.prepared
    assert prepared is not None
    return prepared


async def _three_ways(client: DifferentialClient, request: Request) -> tuple[bytes, bytes, bytes]:
    """The pipeline's answer, the compiled plan's, and the prepared path's without plans."""
    prepared = _prepared(client)
    prepared.clear()
    pipeline = await answer(client.http, request)
    hits = prepared.hits
    compiled = await answer(client.http, request)
    if prepared.hits != hits + 1:  # never prepared (it failed before execution)
        return pipeline, compiled, compiled
    with client.without_plans():
        uncompiled = await answer(client.http, request)
    return pipeline, compiled, uncompiled


class _Literals(Visitor):
    """The arguments whose values hold no variable, with their input types."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.found: list[tuple[ArgumentNode, GraphQLInputType]] = []

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        argument = self.type_info.get_argument()
        directive = self.type_info.get_directive()
        # Literals of fields (the dressing's $loc and $yes stay as they are).
        if argument is not None and directive is None and not isinstance(node.value, VariableNode):
            self.found.append((node, argument.type))


class _Replace(Visitor):
    def __init__(self, names: dict[int, str]) -> None:
        super().__init__()
        self.names = names

    def leave_argument(self, node: ArgumentNode, *_args: Any) -> ArgumentNode | None:
        name = self.names.get(id(node))
        if name is None:
            return None
        return ArgumentNode(name=node.name, value=VariableNode(name=NameNode(value=name)))


@st.composite
def with_variables(draw: st.DrawFn, base: st.SearchStrategy[Request]) -> Request:
    """A generated request whose literal arguments become variables, some of them spoiled."""
    request = draw(base)
    document = parse(request.query)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return request
    type_info = TypeInfo(CORPUS.schema)
    literals = _Literals(type_info)
    visit(document, TypeInfoVisitor(type_info, literals))
    (operation,) = operations
    names: dict[int, str] = {}
    definitions = list(operation.variable_definitions or ())
    variables = dict(request.variables)
    for node, input_type in literals.found:
        if not draw(st.integers(0, 2)):
            continue
        name = f"v{len(names)}"
        names[id(node)] = name
        definitions.append(
            VariableDefinitionNode(
                variable=VariableNode(name=NameNode(value=name)),
                type=parse_type(str(input_type)),
            )
        )
        choice = draw(st.integers(0, 9))
        if choice < 6:
            variables[name] = value_from_ast_untyped(node.value)
        elif choice == 6:
            variables[name] = None
        elif choice == 7:
            pass  # left out
        else:
            variables[name] = draw(st.sampled_from(WRONG_VALUES))
    if not names:
        return request
    replaced = visit(document, _Replace(names))
    assert isinstance(replaced, DocumentNode)
    definitions_of = [
        OperationDefinitionNode(
            operation=definition.operation,
            name=definition.name,
            variable_definitions=tuple(definitions),
            directives=definition.directives,
            selection_set=definition.selection_set,
        )
        if isinstance(definition, OperationDefinitionNode)
        else definition
        for definition in replaced.definitions
    ]
    return Request(print_ast(DocumentNode(definitions=tuple(definitions_of))), variables)


@settings(EXAMPLES, max_examples=60)
@given(request=with_variables(requests(CORPUS)))
async def test_generated_queries_with_variables_answer_alike_by_their_plan(
    client: DifferentialClient, seeded: None, request: Request
) -> None:
    pipeline, compiled, uncompiled = await _three_ways(client, request)
    assert compiled == pipeline, (request.query, request.variables)
    assert compiled == uncompiled, (request.query, request.variables)


@settings(EXAMPLES, max_examples=60)
@given(request=with_variables(data_requests(CORPUS)))
async def test_generated_queries_over_the_seeded_data_answer_alike_by_their_plan(
    client: DifferentialClient, seeded: None, request: Request
) -> None:
    pipeline, compiled, uncompiled = await _three_ways(client, request)
    assert compiled == pipeline, (request.query, request.variables)
    assert compiled == uncompiled, (request.query, request.variables)


SMALL = """query ($id: String!, $month: Date!) {
  account(accountId: $id) {
    metrics(effectiveDates: [$month]) { metricName value unit effectiveDate }
  }
}"""

SHAPES = """query ($id: String!, $months: [Date!], $names: [String!], $loc: String, $first: Int,
  $yes: Boolean!, $last: Boolean, $ids: [String!]) {
  a: account(accountId: $id) {
    ... on Account { accountId name }
    ...Rows
    companies @include(if: $yes) { companyId metrics(names: $names) { value } }
  }
  b: accounts(first: $first) { edges { node { accountId metrics(effectiveDates: $months,
    lastFullMonth: $last) { metricName value } } } }
  c: accounts(accountIds: $ids) { totalCount edges { node { accountId } } }
  industry(industryId: "retail") { metrics { value } }
}
fragment Rows on Account {
  metrics(names: $names, effectiveDates: $months) { value unit formattedValue(locale: $loc) }
}"""

SHAPE_VARIABLES: list[dict[str, Any]] = [
    {"id": ACCOUNTS[1], "months": ["2023-03-01"], "names": ["revenue"], "yes": True},
    {"id": ACCOUNTS[1], "ids": [ACCOUNTS[4], ACCOUNTS[0], ACCOUNTS[2]], "yes": True},
    {"id": ACCOUNTS[1], "ids": ACCOUNTS[5], "names": ["tickets", "revenue"], "yes": True},
    {"id": ACCOUNTS[3], "months": "2023-03-05", "names": "tickets", "yes": False, "loc": "fr"},
    {"id": ACCOUNTS[3], "loc": "xx", "yes": True, "first": 3},  # an unknown locale fails rows
    {"id": "missing", "yes": True, "first": 0},  # NOT_FOUND, and first out of range
    {"id": ACCOUNTS[2], "names": ["nope"], "yes": True},  # an unknown metric name
    {"id": ACCOUNTS[2], "yes": True, "months": [None]},  # null in a list of non-null
    {"id": ACCOUNTS[2], "yes": True, "months": ["2023-3-1"]},  # a malformed date
    {"id": ACCOUNTS[2], "yes": "true"},  # a string for a Boolean
    {"id": ACCOUNTS[2], "yes": True, "first": "3"},  # a string for an Int
    {"id": ACCOUNTS[2], "yes": True, "first": 2**40},  # an Int out of range
    {"id": ACCOUNTS[2], "yes": True, "last": None, "loc": None, "names": None},
    {"id": ACCOUNTS[2], "yes": True, "names": [["revenue"]]},  # a list in a list
    {"id": ACCOUNTS[2], "yes": True, "names": {"a": 1}},  # an object for a list
    {"id": [ACCOUNTS[2]], "yes": True},  # a list for a String
    {"yes": True},  # a non-null variable left out
    {"id": None, "yes": True},  # null for a non-null variable
    {"id": ACCOUNTS[2], "yes": True, "unknown": 1},  # a variable the operation does not define
]


@pytest.mark.parametrize("variables", SHAPE_VARIABLES, ids=range(len(SHAPE_VARIABLES)).__iter__())
async def test_variables_of_every_kind_answer_alike_by_the_plan(
    client: DifferentialClient, seeded: None, variables: dict[str, Any]
) -> None:
    pipeline, compiled, uncompiled = await _three_ways(client, Request(SHAPES, variables))
    assert compiled == pipeline
    assert compiled == uncompiled


async def test_the_small_query_runs_by_its_plan_with_each_request_s_variables(
    client: DifferentialClient, seeded: None
) -> None:
    prepared = _prepared(client)
    prepared.clear()
    first = Request(SMALL, {"id": ACCOUNTS[1], "month": "2023-03-01"})
    await answer(client.http, first)
    for account in (*ACCOUNTS[:4], "missing"):
        request = Request(SMALL, {"id": account, "month": "2023-03-09"})
        compiled = await answer(client.http, request)
        with client.without_plans():
            assert compiled == await answer(client.http, request)
        body = orjson.loads(compiled)
        if account == "missing":
            assert body["data"]["account"] is None
        else:
            assert {row["effectiveDate"] for row in body["data"]["account"]["metrics"]} <= {
                "2023-03-01"
            }
    (text,) = prepared._texts.values()
    (entry,) = text.by_sizes.values()
    (operation,) = entry.operations.values()
    plan = operation.plan
    assert plan is not None
    # The root field and the account's metrics were each planned once, for every request.
    assert len(plan._fields) == 2
    assert all(field is not None for field in plan._fields.values())
