"""Every use of a private name of Strawberry or graphql-core, behind one door.

The fast paths (lean.py, prepared.py, prefetch.py) and the per-field error reporting need a
few things neither library exposes publicly. Each is reached through a function here, and
`HOOKS` lists every one of them, so that an upgrade that renames or removes one fails
`tests/schema/execution/test_internals.py` by name instead of somewhere deep in a request.
Nothing is changed at import time: `install()` is called explicitly by `build_schema`.

Upgrading Strawberry or graphql-core: docs/upgrading-strawberry.md."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

import strawberry
from graphql import GraphQLResolveInfo, GraphQLSchema
from graphql.execution import executor
from graphql.execution.executor import CollectedErrors
from strawberry.extensions import SchemaExtension
from strawberry.http import async_base_view
from strawberry.types.info import Info

Gather = Callable[..., Awaitable[list[Any]]]


@dataclass(frozen=True, slots=True)
class Hook:
    """One private name we rely on: where it lives and what breaks without it."""

    owner: str
    name: str
    used_for: str
    present: Callable[[], bool]


def _info_has_raw_info() -> bool:
    return "_raw_info" in {field.name for field in dataclasses.fields(Info)}


def _probe_type() -> type:
    @strawberry.type
    class Probe:
        ok: bool = True

    return Probe


def _collected_errors_class() -> bool:
    found = getattr(executor, "CollectedErrors", None)
    return isinstance(found, type) and all(
        callable(getattr(found, name, None)) for name in ("add", "has_nulled_position")
    )


def _schema_back_reference() -> bool:
    built = strawberry.Schema(query=_probe_type())
    return getattr(graphql_schema(built), "_strawberry_schema", None) is not None


def _converter_has_exception_handlers() -> bool:
    built = strawberry.Schema(query=_probe_type())
    return isinstance(getattr(built.schema_converter, "_exception_handler_specs", None), tuple)


def _resolver_marked_not_default() -> bool:
    @strawberry.type
    class Probe:
        @strawberry.field
        def answer(self) -> int:
            return 42

    field = graphql_schema(strawberry.Schema(query=Probe)).query_type.fields["answer"]  # type: ignore[union-attr]
    return getattr(field.resolve, "_is_default", None) is False


def _view_parses_content_type() -> bool:
    return callable(getattr(async_base_view, "parse_content_type", None))


HOOKS: tuple[Hook, ...] = (
    Hook(
        "strawberry.Schema",
        "_schema",
        "graphql-core's schema: the query cost estimate walks its types",
        lambda: isinstance(
            getattr(strawberry.Schema(query=_probe_type()), "_schema", None), GraphQLSchema
        ),
    ),
    Hook(
        "strawberry.types.info.Info",
        "_raw_info",
        "graphql-core's resolve info of a Strawberry Info: field nodes for errors reported "
        "beside data, and the selection a root lookup prefetches",
        _info_has_raw_info,
    ),
    Hook(
        "graphql.GraphQLSchema (set by strawberry.Schema)",
        "_strawberry_schema",
        "the Strawberry schema behind graphql-core's: scalar registry and config to convert "
        "arguments once per list in the lean executor",
        _schema_back_reference,
    ),
    Hook(
        "strawberry.extensions.SchemaExtension",
        "_implements_resolve",
        "whether an extension wraps resolvers: prepared queries skip only extensions that "
        "parse and validate",
        lambda: callable(getattr(SchemaExtension, "_implements_resolve", None)),
    ),
    Hook(
        "graphql.execution.executor",
        "gather_with_cancel",
        "how the executor awaits sibling fields: replaced so that every field runs to its "
        "end (field_gathering.py)",
        lambda: callable(getattr(executor, "gather_with_cancel", None)),
    ),
    Hook(
        "graphql.execution.executor",
        "CollectedErrors",
        "the class of an execution's error collection, made by the executor by its module-level "
        "name: replaced so that each failed field beside another reports its own error "
        "(field_gathering.py)",
        _collected_errors_class,
    ),
    Hook(
        "strawberry.schema.schema_converter.GraphQLCoreConverter",
        "_exception_handler_specs",
        "the schema's exception handlers: a resolver is called directly (resolver_calls.py) "
        "only when there are none to wrap it",
        _converter_has_exception_handlers,
    ),
    Hook(
        "the resolver wrapper of strawberry.schema.schema_converter.GraphQLCoreConverter",
        "_is_default",
        "whether graphql-core's resolver of a field is still the wrapper Strawberry made for "
        "its resolver: only then is the resolver called directly (resolver_calls.py)",
        _resolver_marked_not_default,
    ),
    Hook(
        "strawberry.http.async_base_view",
        "parse_content_type",
        "how the HTTP view parses a request's Content-Type (through email.message, about 40 us "
        "a request): replaced by a memo of the same function (server/content_types.py)",
        _view_parses_content_type,
    ),
)


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """graphql-core's schema that a Strawberry schema built."""
    return schema._schema


def raw_info(info: Info[Any, Any]) -> GraphQLResolveInfo[Any]:
    """graphql-core's resolve info behind a Strawberry Info."""
    found: GraphQLResolveInfo[Any] = info._raw_info
    return found


def strawberry_schema(schema: GraphQLSchema) -> strawberry.Schema:
    """The Strawberry schema that built this graphql-core schema."""
    return cast("strawberry.Schema", schema._strawberry_schema)  # type: ignore[attr-defined]


def exception_handlers(schema: strawberry.Schema) -> tuple[Any, ...]:
    """The exception handlers Strawberry wraps resolvers with (none in this project)."""
    found: tuple[Any, ...] = schema.schema_converter._exception_handler_specs
    return found


def wraps_own_resolver(resolve: object) -> bool:
    """Whether a graphql-core resolver is the wrapper Strawberry made for a field's resolver
    (Strawberry marks it `_is_default = False`; its attribute readers True)."""
    return getattr(resolve, "_is_default", None) is False


def wraps_resolvers(extension: type[SchemaExtension]) -> bool:
    """Whether the extension implements `resolve` (runs around every field)."""
    return bool(extension._implements_resolve())


def install(gather: Gather, errors: type[CollectedErrors]) -> None:
    """Make graphql-core await sibling fields with `gather` and collect a response's errors in
    an `errors` (a subclass of its own collection); idempotent."""
    executor.gather_with_cancel = gather  # type: ignore[attr-defined,assignment]
    executor.CollectedErrors = errors  # type: ignore[misc]


def installed_gather() -> Gather:
    """What graphql-core awaits sibling fields with now."""
    return cast("Gather", executor.gather_with_cancel)  # type: ignore[attr-defined]


def installed_errors() -> type[CollectedErrors]:
    """The class graphql-core collects a response's errors in now."""
    return executor.CollectedErrors


ContentTypeParser = Callable[[str], tuple[str, dict[str, str]]]


def install_content_type_parser(parse: ContentTypeParser) -> None:
    """Make Strawberry's async HTTP view parse Content-Type headers with `parse`; idempotent."""
    async_base_view.parse_content_type = parse  # type: ignore[assignment,attr-defined]


def installed_content_type_parser() -> ContentTypeParser:
    """What Strawberry's async HTTP view parses Content-Type headers with now."""
    return cast("ContentTypeParser", async_base_view.parse_content_type)  # type: ignore[attr-defined]
