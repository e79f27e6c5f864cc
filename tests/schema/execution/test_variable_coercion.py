"""The compiled plans' variable coercer gives what graphql-core's get_variable_values gives, or
None (then graphql-core coerces), for any input: checked over the schema's own scalars."""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, parse
from graphql.execution.values import VariableValues, get_variable_values
from hypothesis import given, settings
from hypothesis import strategies as st

from schema.build import build_schema
from schema.execution import internals
from schema.execution.variable_coercion import VariableCoercer

SCHEMA = internals.graphql_schema(build_schema())
OPERATION = (
    "query ($id: String!, $month: Date!, $maybe: Date, $names: [String!], $dates: [Date!]!)"
    " { __typename }"
)
(DEFINITION,) = parse(OPERATION).definitions
assert isinstance(DEFINITION, OperationDefinitionNode)
DEFINITIONS = DEFINITION.variable_definitions or ()
COERCER = VariableCoercer(SCHEMA, DEFINITIONS)

# Values a client may send as JSON, many of them what the types refuse.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.dates().map(lambda day: day.isoformat()),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3))
months = st.dates().map(lambda day: day.isoformat())
inputs = st.one_of(
    st.dictionaries(st.sampled_from(["id", "month", "maybe", "names", "dates"]), values),
    # Mostly what the types take, so that the coercer's own answers are compared often.
    st.fixed_dictionaries(
        {"id": st.text(max_size=12), "month": months, "dates": st.lists(months, max_size=3)},
        optional={
            "maybe": st.one_of(st.none(), months, scalars),
            "names": st.one_of(st.none(), st.text(max_size=5), st.lists(st.text(), max_size=3)),
        },
    ),
)


def _sources(variables: VariableValues) -> dict[str, tuple[type, str, str, Any]]:
    """The sources, their signatures by name and type (graphql-core makes new type wrappers,
    equal only to themselves, for each coercion)."""
    return {
        name: (type(source), source.signature.name, str(source.signature.type), source.value)
        for name, source in variables.sources.items()
    }


def _standard(given_inputs: dict[str, Any]) -> VariableValues | None:
    found = get_variable_values(SCHEMA, DEFINITIONS, given_inputs)
    return found if isinstance(found, VariableValues) else None


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_the_coercer_gives_graphql_cores_values_or_leaves_them_to_it(
    given_inputs: dict[str, Any],
) -> None:
    coerced = COERCER.coerce(given_inputs)
    if coerced is None:
        return  # graphql-core coerces them (or reports them) itself
    standard = _standard(given_inputs)
    assert standard is not None, "the coercer took what graphql-core refuses"
    assert type(coerced) is VariableValues
    assert coerced.coerced == standard.coerced
    assert _sources(coerced) == _sources(standard)


def test_plain_values_are_coerced_by_the_coercer() -> None:
    given_inputs = {"id": "acc-1", "month": "2023-12-01", "dates": ["2023-12-01"]}
    coerced = COERCER.coerce(given_inputs)
    standard = _standard(given_inputs)
    assert coerced is not None
    assert standard is not None
    assert coerced.coerced == standard.coerced
    assert _sources(coerced) == _sources(standard)
