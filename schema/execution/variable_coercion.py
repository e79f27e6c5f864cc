"""An operation's variables coerced by a coercer built once from its variable definitions.

graphql-core coerces a request's variables by walking the operation's definitions again on
every request: each definition's type is looked up from its AST (`get_variable_signature`),
then each value goes through the recursive `coerce_input_value`. For a prepared operation the
definitions never change, so `VariableCoercer` resolves them once and keeps, per variable, a
function made for its type.

It only takes the plain cases, where the outcome is the one graphql-core's own coercion gives:
a value given for a leaf type (each leaf type's own `coerce_input_value`, as graphql-core calls
it), null for a nullable type, a list of leaves, a nullable variable left out. Everything else
(a default value, an input object, null or nothing for a non-null type, a value its type
refuses) answers None, and the caller runs graphql-core's coercion, which reports the standard
errors with their standard messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInputType,
    GraphQLSchema,
    VariableDefinitionNode,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution.get_variable_signature import (
    GraphQLVariableSignature,
    get_variable_signature,
)
from graphql.execution.values import VariableValues, VariableValueSource
from graphql.pyutils import Undefined, is_iterable

Coerce = Callable[[Any], Any]


class _NotPlain(Exception):
    """A value graphql-core's own coercion must see (to coerce it or to report it)."""


def _leaf(coerce_leaf: Coerce) -> Coerce:
    def coerce(value: Any) -> Any:
        try:
            coerced = coerce_leaf(value)
        except Exception as error:  # refused: graphql-core words the error
            raise _NotPlain from error
        if coerced is Undefined:
            raise _NotPlain
        return coerced

    return coerce


def _non_null_leaf(coerce_leaf: Coerce) -> Coerce:
    """`non_null` over `nullable_leaf` over `_leaf` (below) in one function: the common
    variable (`$id: String!`) coerced in one call instead of three."""

    def non_null_leaf(value: Any) -> Any:
        if value is None:
            raise _NotPlain
        try:
            coerced = coerce_leaf(value)
        except Exception as error:  # refused: graphql-core words the error
            raise _NotPlain from error
        if coerced is Undefined:
            raise _NotPlain
        return coerced

    return non_null_leaf


def _coercer(type_: GraphQLInputType) -> Coerce | None:
    """graphql-core's coerce_input_value for one type, or None for a type left to it."""
    if is_non_null_type(type_):
        if is_leaf_type(type_.of_type):
            return _non_null_leaf(type_.of_type.coerce_input_value)
        inner = _coercer(type_.of_type)
        if inner is None:
            return None
        inner_non_null = inner

        def non_null(value: Any) -> Any:
            if value is None:
                raise _NotPlain
            return inner_non_null(value)

        return non_null
    if is_list_type(type_):
        item = _coercer(type_.of_type)
        if item is None:
            return None
        coerce_item = item

        def listed(value: Any) -> Any:
            if value is None:
                return None
            if not is_iterable(value):  # a single value stands for a list of one
                return [coerce_item(value)]
            return [coerce_item(entry) for entry in value]

        return listed
    if is_leaf_type(type_):
        leaf = _leaf(type_.coerce_input_value)

        def nullable_leaf(value: Any) -> Any:
            return None if value is None else leaf(value)

        return nullable_leaf
    return None  # input objects: graphql-core's own coercion


class _Variable:
    __slots__ = ("coerce", "name", "non_null", "signature")

    def __init__(self, signature: GraphQLVariableSignature, coerce: Coerce) -> None:
        self.name = signature.name
        self.signature = signature
        self.non_null = is_non_null_type(signature.type)
        self.coerce = coerce


class VariableCoercer:
    """The variables of one operation, coerced as graphql-core's get_variable_values would."""

    __slots__ = ("_variables",)

    def __init__(
        self, schema: GraphQLSchema, definitions: Sequence[VariableDefinitionNode]
    ) -> None:
        variables: list[_Variable] | None = []
        for definition in definitions:
            signature = get_variable_signature(schema, definition)
            # Defaults, and types that are not input types: graphql-core's coercion.
            if isinstance(signature, GraphQLError) or definition.default_value is not None:
                variables = None
                continue
            coerce = _coercer(signature.type)
            if coerce is None or variables is None:
                variables = None
                continue
            variables.append(_Variable(signature, coerce))
        self._variables = None if variables is None else tuple(variables)

    def coerce(self, inputs: dict[str, Any] | None) -> VariableValues | None:
        """The variable values, or None: then graphql-core's coercion decides."""
        variables = self._variables
        if variables is None:
            return None
        given = inputs or {}
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        try:
            for variable in variables:
                name = variable.name
                value = given.get(name, Undefined)
                if value is Undefined:
                    if variable.non_null:
                        return None  # a missing value: graphql-core's error
                    # Left out of a nullable variable: no value at all, as graphql-core does.
                    sources[name] = VariableValueSource(variable.signature)
                    continue
                # The named tuple made as its own constructor makes it, without that Python
                # call: a variable of every request.
                sources[name] = _new_tuple(VariableValueSource, (variable.signature, value))
                coerced[name] = variable.coerce(value)
        except _NotPlain:
            return None
        values: VariableValues = _new_tuple(VariableValues, (sources, coerced))
        return values


# What a NamedTuple's generated `__new__` calls.
_new_tuple: Any = tuple.__new__
