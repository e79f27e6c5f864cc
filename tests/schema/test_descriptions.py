"""Every type, field, argument and enum value of the API says what it is: the schema's own
introspection (what GraphiQL's documentation panel shows) has a description for each, built-in
scalars, directives and introspection types excepted."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import specified_directives, specified_scalar_types
from graphql.utilities import introspection_from_schema

from schema.build import build_schema
from schema.execution.internals import graphql_schema

BUILT_IN = set(specified_scalar_types) | {directive.name for directive in specified_directives}


@pytest.fixture(scope="module")
def introspection() -> dict[str, Any]:
    result: dict[str, Any] = dict(introspection_from_schema(graphql_schema(build_schema())))
    return result["__schema"]


def _undescribed(schema: dict[str, Any]) -> list[str]:
    missing: list[str] = []

    def check(element: dict[str, Any], name: str) -> None:
        if not (element.get("description") or "").strip():
            missing.append(name)

    for kind in schema["types"]:
        name = kind["name"]
        if name.startswith("__") or name in BUILT_IN:
            continue
        check(kind, name)
        for field in kind.get("fields") or ():
            check(field, f"{name}.{field['name']}")
            for argument in field["args"]:
                check(argument, f"{name}.{field['name']}({argument['name']}:)")
        for field in kind.get("inputFields") or ():
            check(field, f"{name}.{field['name']}")
        for value in kind.get("enumValues") or ():
            check(value, f"{name}.{value['name']}")
    for directive in schema["directives"]:
        if directive["name"] not in BUILT_IN:
            check(directive, f"@{directive['name']}")
            for argument in directive["args"]:
                check(argument, f"@{directive['name']}({argument['name']}:)")
    return missing


def test_every_element_of_the_schema_has_a_description(introspection: dict[str, Any]) -> None:
    assert _undescribed(introspection) == []


def test_the_check_sees_every_kind_of_element(introspection: dict[str, Any]) -> None:
    """The walk reaches types, fields, arguments and enum values: a schema stripped of their
    descriptions is reported element by element."""
    stripped = {
        "types": [
            {
                **kind,
                "description": None,
                "fields": [
                    {
                        **field,
                        "description": "",
                        "args": [{**a, "description": None} for a in field["args"]],
                    }
                    for field in kind.get("fields") or ()
                ],
                "enumValues": [
                    {**value, "description": " "} for value in kind.get("enumValues") or ()
                ],
            }
            for kind in introspection["types"]
        ],
        "directives": introspection["directives"],
    }
    missing = set(_undescribed(stripped))
    for element in (
        "MetricRow",
        "MetricRow.currency",
        "Query.companies(companyIds:)",
        "Segment.HIGH_VALUE",
        "FigureKind.EXACT",
    ):
        assert element in missing
    assert not any(name.startswith("__") or name.startswith("String") for name in missing)
