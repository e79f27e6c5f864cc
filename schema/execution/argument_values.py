"""A field node's argument values, by a reader built once per node instead of per call.

graphql-core's `get_argument_values` walks a field's argument definitions and the node's
argument literals on every call, coercing each literal again. In a prepared document the
nodes never change: literals without variables have the same value every time, and a variable
or a list of variables only needs the request's coerced values looked up. `ArgumentReader`
keeps that per node.

It gives exactly what get_argument_values gives, or nothing: whenever a value is not plain (a
variable that is null or missing, so that a default or an error may apply), `read` calls
get_argument_values itself, which decides defaults and words the errors. A node whose
literals cannot be read this way (an input object holding variables, a literal its type
refuses) gets no reader at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    GraphQLArgument,
    GraphQLField,
    GraphQLInputType,
    ListValueNode,
    ValueNode,
    VariableNode,
    is_list_type,
    is_non_null_type,
    is_required_argument,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    maybe_use_default_value,
)
from graphql.language import Visitor, visit
from graphql.pyutils import Undefined
from graphql.utilities import coerce_input_literal

Read = Callable[[VariableValues], Any]


class _NotPlain(Exception):
    """A value graphql-core must coerce (a default, or an error to report)."""


class _HasVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_variable(self, *_args: Any) -> None:
        self.found = True


def _has_variables(node: ValueNode) -> bool:
    finder = _HasVariables()
    visit(node, finder)
    return finder.found


def _reader(node: ValueNode, type_: GraphQLInputType) -> Read | None:
    """coerce_input_literal(node, type_, variables) for plain values, or None."""
    if not _has_variables(node):
        constant = coerce_input_literal(node, type_)
        if constant is Undefined:
            return None  # a literal its type refuses: graphql-core reports it
        return lambda _variables: constant
    if isinstance(node, VariableNode):
        name = node.name.value
        nullable = not is_non_null_type(type_)

        def variable(variables: VariableValues) -> Any:
            value = variables.coerced.get(name, Undefined)
            # Missing (a default may apply) or null where the type refuses it: graphql-core.
            if value is Undefined or (value is None and not nullable):
                raise _NotPlain
            return value

        return variable
    named = type_.of_type if is_non_null_type(type_) else type_
    if isinstance(node, ListValueNode) and is_list_type(named):
        items = [_reader(item, named.of_type) for item in node.values]
        if any(item is None for item in items):
            return None
        readers = tuple(item for item in items if item is not None)
        return lambda variables: [read(variables) for read in readers]
    return None  # an input object holding variables: graphql-core every time


class ArgumentReader:
    """The arguments of one field node, as get_argument_values gives them."""

    __slots__ = ("_field", "_node", "_parts")

    def __init__(self, field: GraphQLField, node: FieldNode, parts: tuple[tuple[str, Read], ...]):
        self._field = field
        self._node = node
        self._parts = parts

    @classmethod
    def build(cls, field: GraphQLField, node: FieldNode) -> ArgumentReader | None:
        given = {argument.name.value: argument for argument in node.arguments or ()}
        parts: list[tuple[str, Read]] = []
        for name, definition in field.args.items():
            out_name = definition.out_name or name
            argument = given.get(name)
            if argument is None:
                if is_required_argument(definition):
                    return None  # refused by validation; graphql-core words it otherwise
                try:
                    default = _default(definition)
                except _NotPlain:
                    return None
                if default is not Undefined:
                    parts.append((out_name, _constant(default)))
                continue
            read = _reader(argument.value, definition.type)
            if read is None:
                return None
            parts.append((out_name, read))
        return cls(field, node, tuple(parts))

    def read(self, variables: VariableValues, hide_suggestions: bool = False) -> dict[str, Any]:
        try:
            return {name: read(variables) for name, read in self._parts}
        except _NotPlain:
            return get_argument_values(
                self._field, self._node, variables, hide_suggestions=hide_suggestions
            )


def _constant(value: Any) -> Read:
    return lambda _variables: value


def _default(definition: GraphQLArgument) -> Any:
    """The value graphql-core uses for the argument left out (Undefined: none at all)."""
    found: dict[str, Any] = {}

    def refuse(*_args: Any) -> None:  # an invalid default: graphql-core reports it
        raise _NotPlain

    maybe_use_default_value(found, "value", definition, refuse)
    return found.get("value", Undefined)
