"""The GraphQL names of field arguments, worked out once per argument instead of per call.

Strawberry converts a resolver's arguments on every call of the field, and for each argument
works out its GraphQL name again (its given name, or its Python name in camelCase): about a
sixtieth of a small request's time (docs/performance.md). An argument's names are fixed when
the schema is built, so the answer is kept per argument object. Only `from_argument` is
remembered; every other name comes from Strawberry's own converter, unchanged."""

from __future__ import annotations

from strawberry.schema.name_converter import NameConverter
from strawberry.types.arguments import StrawberryArgument


class ArgumentNamesOnce(NameConverter):
    def __init__(self, auto_camel_case: bool = True) -> None:
        super().__init__(auto_camel_case=auto_camel_case)
        # By id, with the argument kept: arguments live as long as the schema that holds them.
        self._argument_names: dict[int, tuple[StrawberryArgument, str]] = {}

    def from_argument(self, argument: StrawberryArgument) -> str:
        known = self._argument_names.get(id(argument))
        if known is not None and known[0] is argument:
            return known[1]
        name = super().from_argument(argument)
        self._argument_names[id(argument)] = (argument, name)
        return name
