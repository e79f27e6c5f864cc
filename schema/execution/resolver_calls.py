"""A Strawberry resolver called directly, with the reflection of its wrapper done once.

Strawberry wraps every resolver in a function that, on each call, builds the Info, converts the
arguments by reflection on their annotations (`convert_arguments`: per argument its GraphQL
name, its type unwrapped, leaf or not), works out again which parameters want `self`, the
parent, the root or the info (`get_arguments`), chains field extensions with `functools.reduce`
and, for an async resolver, awaits it inside one more coroutine. About a tenth of a small
request went there (docs/performance.md).

`ResolverCall` does the same for one field with each of those decisions taken when it is built:
the argument converters (a leaf stays as it is, a list of leaves is copied, as Strawberry does;
anything else goes through Strawberry's own `convert_argument`), and which parameters receive
the source and the info. It is built only for a field that nothing wraps: no field extensions
(permissions are extensions), no `get_result` of its own, no exception handlers in the schema,
graphql-core's resolver still the one Strawberry made. For an async resolver whose arguments
need Strawberry's conversion, it is not built either: Strawberry converts those inside its
coroutine, so a conversion error would surface at another moment (and the errors' order with it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLResolveInfo
from strawberry.relay import GlobalID
from strawberry.scalars import is_scalar
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import StrawberryArgument, convert_argument
from strawberry.types.base import StrawberryList, StrawberryMaybe, StrawberryOptional
from strawberry.types.field import StrawberryField

from schema.execution import internals

# A converter: the argument's GraphQL value and Strawberry's Info -> the resolver's value.
Convert = Callable[[Any, Any], Any]


def _same(value: Any, _info: Any) -> Any:
    return value


def _copied(value: Any, _info: Any) -> Any:
    # Strawberry copies a list of leaves: graphql-core may hand every request the same default.
    if value is None or value is strawberry.UNSET:
        return value
    return list(value)


def _is_leaf(type_: Any, scalars: Any) -> bool:
    """A scalar that convert_argument returns as it is (a GlobalID is decoded: not one)."""
    return type_ is not GlobalID and is_scalar(type_, scalars)


def _unwrapped(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, StrawberryOptional) else type_


def _converter(argument: StrawberryArgument, name: str, schema: strawberry.Schema) -> Convert:
    """What convert_argument does to this argument's values, decided once."""
    scalars = schema.schema_converter.scalar_registry
    declared = argument.type
    if not isinstance(declared, StrawberryMaybe):  # Maybe wraps its value: Strawberry's own
        type_ = _unwrapped(declared)
        if _is_leaf(type_, scalars):
            return _same
        if isinstance(type_, StrawberryList) and _is_leaf(_unwrapped(type_.of_type), scalars):
            return _copied
    config = schema.config

    def converted(value: Any, info: Any) -> Any:
        return convert_argument(value, declared, scalars, config, info, path=(name,))

    return converted


class ResolverCall:
    """Strawberry's resolver wrapper for one field, decisions made once."""

    __slots__ = (
        "_converters",
        "_field",
        "_function",
        "_info_class",
        "_info_name",
        "_parent_names",
        "_passes_self",
    )

    def __init__(
        self,
        field: StrawberryField,
        function: Callable[..., Any],
        converters: tuple[tuple[str, str, Convert], ...],
        info_class: type[Any],
    ) -> None:
        resolver = field.base_resolver
        assert resolver is not None
        self._field = field
        self._function = function
        self._converters = converters
        self._info_class = info_class
        self._passes_self = resolver.self_parameter is not None
        parents = (resolver.parent_parameter, resolver.root_parameter)
        self._parent_names = tuple(parameter.name for parameter in parents if parameter)
        info = resolver.info_parameter
        self._info_name = info.name if info is not None else None

    @classmethod
    def build(cls, field_def: GraphQLField, schema: strawberry.Schema) -> ResolverCall | None:
        field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if not isinstance(field, StrawberryField) or field.extensions:
            return None
        if type(field).get_result is not StrawberryField.get_result:
            return None
        resolver = field.base_resolver
        if resolver is None or not callable(resolver.wrapped_func):
            return None  # plain attributes: graphql-core's own call is already direct
        if not internals.wraps_own_resolver(field_def.resolve):
            return None  # not the wrapper Strawberry made for this resolver
        if internals.exception_handlers(schema):
            return None
        name_of = schema.config.name_converter.from_argument
        converters = tuple(
            (
                name_of(argument),
                argument.python_name,
                _converter(argument, name_of(argument), schema),
            )
            for argument in field.arguments
        )
        if field.is_async and any(convert not in (_same, _copied) for _, _, convert in converters):
            return None
        return cls(field, resolver.wrapped_func, converters, schema.config.info_class)

    def __call__(
        self, source: Any, info: GraphQLResolveInfo[Any], arguments: dict[str, Any]
    ) -> Any:
        """What Strawberry's wrapper returns for these coerced arguments."""
        strawberry_info = self._info_class(_raw_info=info, _field=self._field)
        kwargs = {
            python_name: convert(arguments[name], strawberry_info)
            for name, python_name, convert in self._converters
            if name in arguments
        }
        for parent in self._parent_names:
            kwargs[parent] = source
        if self._info_name is not None:
            kwargs[self._info_name] = strawberry_info
        if self._passes_self:
            return self._function(source, **kwargs)
        return self._function(**kwargs)
