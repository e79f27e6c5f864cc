"""The compiled plan on argument and variable kinds the contract has none of yet (enums, input
objects, IDs, lists with nulls, defaults, sync and async resolvers, resolver errors): a small
Strawberry schema, each request run by its plan and by graphql-core and Strawberry's own path,
with generated variable values (valid, wrong types, nulls, missing), compared as answered."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import strawberry
from graphql import FieldNode, Visitor, parse, visit
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution.compiled import CompiledStandardExecutor
from schema.execution.internals import graphql_schema
from schema.execution.operation_plan import OperationPlan
from schema.execution.prepared import PreparedOperation, execute_prepared
from schema.scalars import SCALAR_OVERRIDES
from tests.schema.execution.differential.support import EXAMPLES


@strawberry.enum
class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.input
class Window:
    start: dt.date
    colors: list[Color] | None = None
    label: str | None = "any"


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def tagged(self, tag: str | None = None, times: int = 1) -> str:
        return f"{self.name}:{tag}:{times}"


@strawberry.type
class Query:
    @strawberry.field
    def echo(
        self,
        color: Color | None = None,
        colors: list[Color] | None = None,
        window: Window | None = None,
        day: dt.date | None = None,
        n: int = 2,
        names: list[str | None] | None = None,
        ids: list[strawberry.ID] | None = None,
    ) -> str | None:
        return repr((color, colors, window, day, n, names, ids))

    @strawberry.field
    async def later(self, info: strawberry.Info, text: str, window: Window | None = None) -> str:
        return f"{info.path.key}:{text}:{window}"

    @strawberry.field
    async def items(self, first: int = 2) -> list[Item]:
        return [Item(name=f"item-{n}") for n in range(first)]

    @strawberry.field
    def boom(self, why: str) -> str | None:
        raise ValueError(why)

    @strawberry.field
    async def must(self, why: str | None = None) -> str:  # non-null: an error nulls the root
        if why:
            raise ValueError(why)
        return "ok"


SCHEMA = strawberry.Schema(query=Query, scalar_overrides=SCALAR_OVERRIDES)

QUERY = """query ($color: Color, $colors: [Color!], $window: Window, $day: Date, $n: Int,
  $names: [String], $ids: [ID!], $text: String!, $why: String, $first: Int, $tag: String) {
  echo(color: $color, colors: $colors, window: $window, day: $day, n: $n, names: $names, ids: $ids)
  lit: echo(color: BLUE, colors: [RED, $color], window: {start: "2023-01-01"}, names: [null, $tag])
  mixed: echo(window: {start: "2023-02-01", colors: $colors, label: $tag})
  later(text: $text, window: $window)
  items(first: $first) { name tagged(tag: $tag, times: $n) again: tagged }
  ...Errors
}
fragment Errors on Query { boom(why: $text) must(why: $why) }"""

# The first two values of each variable are valid for it: the generator favours them, so that
# most requests get past the variables' coercion to the fields.
VALUES: dict[str, list[Any]] = {
    "color": ["RED", "BLUE", "GREEN", "red", 1, None],
    "colors": [["RED"], "BLUE", ["BLUE", None], [], None, [["RED"]]],
    "window": [
        {"start": "2023-03-01"},
        {"start": "2023-03-01", "colors": ["RED"], "label": None},
        {"start": "03/01/2023"},
        {"colors": ["RED"]},
        {"start": "2023-03-01", "extra": 1},
        "2023-03-01",
        None,
    ],
    "day": ["2023-03-01", "2023-3-1", 20230301, None],
    "n": [3, 0, None, -1, 2**31, "3", 1.0, 1.5],
    "names": [["a", None], "a", [], None, [1], [["a"]]],
    "ids": [["1", 2], "x", [None], None, [True]],
    "text": ["hello", "", 5, None, ["x"]],
    "why": [None, "broken", "", 7],
    "first": [0, 2, None, 5, "2", -3],
    "tag": ["t", None, 1, ["t"]],
}


@st.composite
def variables(draw: st.DrawFn) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    for name, values in VALUES.items():
        choice = draw(st.integers(0, 9))
        if choice < 7:
            chosen[name] = draw(st.sampled_from(values[:2]))
        elif choice < 9:
            chosen[name] = draw(st.sampled_from(values))
        # else left out
    return chosen


async def _run(plan: OperationPlan | None, given: dict[str, Any]) -> dict[str, Any]:
    document = parse(QUERY)
    executor: type[Any] = StrawberryGraphQLCoreExecutionContext
    if plan is not None:
        document, executor = plan.document, CompiledStandardExecutor
    result = await execute_prepared(
        graphql_schema(SCHEMA),
        PreparedOperation(document, plan),
        executor_class=executor,
        root_value=None,
        context_value=None,
        variable_values=given,
        operation_name=None,
        operation_extensions=None,
    )
    return {
        "data": result.data,
        "errors": [error.formatted for error in result.errors or ()],
    }


def _plan() -> OperationPlan:
    plan = OperationPlan.build(graphql_schema(SCHEMA), SCHEMA, parse(QUERY), None)
    assert plan is not None
    return plan


PLAN = _plan()


@settings(EXAMPLES, max_examples=300)
@given(given=variables())
async def test_generated_variables_answer_alike_by_the_plan(given: dict[str, Any]) -> None:
    assert await _run(PLAN, given) == await _run(None, given), given


async def test_the_plan_covers_the_plain_fields_and_leaves_the_rest_to_graphql_core() -> None:
    valid = {"text": "x", "first": 2, "n": 3, "tag": "t", "colors": ["RED"], "color": "BLUE"}
    answer = await _run(PLAN, valid)
    assert answer == await _run(None, valid)
    assert answer["data"] is not None
    assert answer["data"]["items"][1] == {
        "name": "item-1",
        "tagged": "item-1:t:3",
        "again": "item-1:None:1",
    }
    nodes: dict[int, FieldNode] = {}

    class Fields(Visitor):
        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            nodes[id(node)] = node

    visit(PLAN.document, Fields())
    planned = {
        (node.alias or node.name).value: plan is not None
        for (_parent, node_id), plan in PLAN._fields.items()
        for node in [nodes[node_id]]
    }
    assert planned == {
        "echo": True,  # an input object from a variable: Strawberry's conversion, called directly
        "lit": True,  # literals, an enum list with a variable in it
        "mixed": False,  # an input object literal holding variables: graphql-core every time
        "later": False,  # async, with an input object to convert: Strawberry's wrapper
        "items": True,
        "tagged": True,
        "again": True,
        "boom": True,
        "must": True,
        "name": False,  # a plain attribute: graphql-core's own call is already direct
    }
