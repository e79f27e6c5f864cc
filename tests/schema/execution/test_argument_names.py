"""Argument names worked out once per argument are Strawberry's own names."""

from __future__ import annotations

from strawberry.schema.name_converter import NameConverter
from strawberry.types.arguments import StrawberryArgument

from schema.build import build_schema
from schema.execution.argument_names import ArgumentNamesOnce
from schema.execution.internals import graphql_schema


def _arguments() -> list[StrawberryArgument]:
    schema = build_schema()
    found: list[StrawberryArgument] = []
    for graphql_type in graphql_schema(schema).type_map.values():
        definition = getattr(graphql_type, "extensions", {}).get("strawberry-definition")
        for field in getattr(definition, "fields", ()):
            found.extend(field.arguments)
    return found


def test_every_argument_of_the_schema_gets_strawberrys_name_every_time() -> None:
    arguments = _arguments()
    assert len(arguments) > 20
    plain, once = NameConverter(), ArgumentNamesOnce()
    for _ in range(2):  # the first answer is worked out, the second remembered
        assert [once.from_argument(a) for a in arguments] == [
            plain.from_argument(a) for a in arguments
        ]


def test_the_schema_uses_it() -> None:
    assert isinstance(build_schema().config.name_converter, ArgumentNamesOnce)
