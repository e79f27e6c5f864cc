"""A planned operation of the plainest shape answered without graphql-core's executor.

For the most common request (`account(accountId: $id) { metrics(...) { metricName value unit
effectiveDate } }`) graphql-core's execution machinery (an executor and its error and
incremental bookkeeping built per request, the root fields collected again, an awaitable
completion per field) cost about a third of the request's CPU around resolvers that do little
(docs/performance.md).

`DirectPlan` is built once per operation plan (operation_plan.py), and only for an operation
whose every selection is plain: fields only (no fragments, no directives, no two fields under
one response name, no introspection but `__typename`), concrete object types, at most one
resolver per selection set and none under a list (so that awaiting it where it stands starts
the same DataLoader batches as graphql-core), resolvers the plan calls directly
(resolver_calls.py), and under a list only leaves read as plain attributes. It calls those
resolvers with the same resolve infos and arguments as the planned path, in the same order,
and completes leaves through their types as the lean executor does.

It answers only when nothing unusual happens. A resolver that raises, a null where the type
forbids one, a value of a kind it does not complete: anything at all, and the whole operation
is executed again by graphql-core (the planned path), which gives the standard answer and
errors. Running it again reads nothing twice: the request's DataLoaders keep what the first run
loaded (or the error it met); the side errors of the first run are dropped. The differential
tests compare its answers with the pipeline's (tests/schema/execution/differential/)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLResolveInfoHelpers,
    OperationType,
    SelectionSetNode,
    TypeNameMetaFieldDef,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.values import VariableValues
from graphql.pyutils import Path
from strawberry.execution import optimized_is_awaitable
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution.lean import is_plain_row_type, leaf_column, object_builder, plain_field

if TYPE_CHECKING:
    from schema.execution.operation_plan import FieldPlan, OperationPlan


class Unusual(Exception):
    """Something the direct path does not answer: graphql-core executes the operation."""


def _no_async_work(*_args: Any) -> Any:
    raise Unusual("a resolver asked for the executor's async helpers")


_HELPERS = GraphQLResolveInfoHelpers(gather=_no_async_work, track=_no_async_work)

# Completes a field's value: (frame, the field, its value, its path, the resolve info its
# resolver was given or None) -> the response value, or an awaitable of it for an object whose
# resolver field waits.
Complete = Callable[["_Frame", "PlannedField", Any, Path, "GraphQLResolveInfo[Any] | None"], Any]


@dataclass(frozen=True, slots=True)
class PlannedField:
    """One field of a plain selection: how its value is had and completed."""

    name: str  # the response name
    nodes: list[FieldNode]
    definition: GraphQLField
    parent_type: GraphQLObjectType
    resolver: FieldPlan | None  # None: read as an attribute (or the type name)
    read: Callable[[Any], Any] | None
    complete: Complete


class _Frame:
    """The request's part of every resolve info: Strawberry's executor builds its infos from
    these attributes (its `build_resolve_info`, called on this frame)."""

    __slots__ = (
        "abort_signal",
        "async_helpers",
        "context_value",
        "fragment_definitions",
        "is_awaitable",
        "operation",
        "operation_extensions",
        "root_value",
        "schema",
        "variable_values",
    )

    def __init__(
        self,
        plan: OperationPlan,
        root_value: Any,
        context_value: Any,
        variable_values: VariableValues,
        operation_extensions: dict[str, Any] | None,
    ) -> None:
        self.schema = plan.schema
        self.fragment_definitions = plan.fragment_definitions
        self.root_value = root_value
        self.operation = plan.operation
        self.variable_values = variable_values
        self.context_value = context_value
        self.is_awaitable = optimized_is_awaitable
        self.abort_signal = None
        self.async_helpers = _HELPERS
        self.operation_extensions = operation_extensions

    def info(self, field: PlannedField, path: Path) -> GraphQLResolveInfo[Any]:
        info: GraphQLResolveInfo[Any] = StrawberryGraphQLCoreExecutionContext.build_resolve_info(
            self,  # type: ignore[arg-type]
            field.definition,
            field.nodes,
            field.parent_type,
            path,
        )
        return info


def plain_query_root(plan: OperationPlan) -> GraphQLObjectType | None:
    """The query type, when the operation is a query without directives or fragments (the only
    operations a plan of its own answers), else None."""
    operation = plan.operation
    if (
        operation.operation is not OperationType.QUERY
        or operation.directives
        or plan.fragment_definitions
    ):
        return None
    return plan.schema.query_type


class DirectPlan:
    """How to answer one planned operation directly."""

    __slots__ = ("_fields", "_root_name")

    def __init__(self, root_name: str, fields: tuple[PlannedField, ...]) -> None:
        self._root_name = root_name
        self._fields = fields

    @classmethod
    def build(cls, plan: OperationPlan) -> DirectPlan | None:
        """The operation's direct plan, or None when its shape is not the plain one."""
        root_type = plain_query_root(plan)
        if root_type is None:
            return None
        try:
            fields = planned_selection(
                plan, root_type, plan.operation.selection_set, under_list=False
            )
        except Unusual:
            return None
        return cls(root_type.name, fields)

    async def execute(
        self,
        plan: OperationPlan,
        *,
        root_value: Any,
        context_value: Any,
        variable_values: VariableValues,
        operation_extensions: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """The operation's data; raises (Unusual, or what a resolver raised) when graphql-core
        must execute it."""
        frame = _Frame(plan, root_value, context_value, variable_values, operation_extensions)
        return await _object(frame, self._fields, root_value, None, self._root_name)


async def _object(
    frame: _Frame, fields: tuple[PlannedField, ...], source: Any, path: Path | None, type_name: str
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in fields:
        field_path = Path(path, field.name, type_name)
        resolver = field.resolver
        info: GraphQLResolveInfo[Any] | None = None
        if resolver is None:
            value = field.read(source)  # type: ignore[misc]
        else:
            info = frame.info(field, field_path)
            arguments = resolver.arguments.read(frame.variable_values)
            value = resolver.call(source, info, arguments)
            if optimized_is_awaitable(value):
                value = await value
        completed = field.complete(frame, field, value, field_path, info)
        if optimized_is_awaitable(completed):
            completed = await completed
        data[field.name] = completed
    return data


def planned_selection(
    plan: OperationPlan,
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode | None,
    *,
    under_list: bool,
) -> tuple[PlannedField, ...]:
    if selection_set is None:
        raise Unusual("an object without a selection")
    fields: list[PlannedField] = []
    names: set[str] = set()
    resolvers = 0
    for node in selection_set.selections:
        if not isinstance(node, FieldNode) or node.directives:
            raise Unusual("a fragment or a directive")
        name = node.alias.value if node.alias else node.name.value
        if name in names:
            raise Unusual("two fields under one response name")
        names.add(name)
        field = _field(plan, object_type, node, name, under_list=under_list)
        if field.resolver is not None:
            resolvers += 1
            if resolvers > 1 or under_list:
                raise Unusual("resolvers that graphql-core would run side by side")
        fields.append(field)
    return tuple(fields)


def _field(
    plan: OperationPlan,
    parent_type: GraphQLObjectType,
    node: FieldNode,
    name: str,
    *,
    under_list: bool,
) -> PlannedField:
    field_name = node.name.value
    resolver: FieldPlan | None = None
    read: Callable[[Any], Any] | None = None
    if field_name == "__typename":
        definition: GraphQLField | None = TypeNameMetaFieldDef
        type_name = parent_type.name
        read = lambda _source: type_name  # noqa: E731
    elif field_name.startswith("__"):
        raise Unusual("introspection")
    else:
        definition = parent_type.fields.get(field_name)
        if definition is None:
            raise Unusual("an unknown field")
        strawberry_field = plain_field(definition.extensions)
        if strawberry_field is None:
            raise Unusual("a wrapped field")
        if definition.resolve is None:
            raise Unusual("graphql-core's own resolver")
        if is_default_resolver(definition.resolve):
            if node.arguments:
                raise Unusual("arguments of a plain attribute")
            read = _attribute(strawberry_field.python_name, strawberry_field.default_resolver)
        else:
            resolver = plan.field(parent_type, node)
            if resolver is None:
                raise Unusual("a resolver the plan does not call")
    assert definition is not None
    complete = _completer(plan, definition.type, node, under_list=under_list)
    return PlannedField(name, [node], definition, parent_type, resolver, read, complete)


def _attribute(name: str, resolve: Callable[[Any, str], Any]) -> Callable[[Any], Any]:
    if resolve is getattr:
        return attrgetter(name)  # in C: a column of rows reads it once per row
    return lambda source: resolve(source, name)


def _completer(
    plan: OperationPlan, field_type: Any, node: FieldNode, *, under_list: bool
) -> Complete:
    non_null = is_non_null_type(field_type)
    named = field_type.of_type if non_null else field_type
    if is_leaf_type(named):
        return _leaf(named, non_null)
    if under_list:
        raise Unusual("objects or lists under a list")
    if is_object_type(named):
        fields = planned_selection(plan, named, node.selection_set, under_list=False)
        return _object_completer(named, fields, non_null)
    if isinstance(named, GraphQLList):
        item_type = named.of_type
        items_non_null = is_non_null_type(item_type)
        item_named = item_type.of_type if items_non_null else item_type
        if not items_non_null or not is_object_type(item_named):
            raise Unusual("a list of other than non-null objects")
        fields = planned_selection(plan, item_named, node.selection_set, under_list=True)
        return _rows_completer(item_named, fields, non_null)
    raise Unusual("an abstract type")


def _leaf(leaf_type: GraphQLLeafType, non_null: bool) -> Complete:
    column = leaf_column(leaf_type, non_null)

    def complete(
        _frame: _Frame,
        _field: PlannedField,
        value: Any,
        _path: Path,
        _info: GraphQLResolveInfo[Any] | None,
    ) -> Any:
        try:
            return column([value])[0]
        except Exception as error:  # refused, or not a plain value: graphql-core decides
            raise Unusual("a leaf value") from error

    return complete


def _object_completer(
    object_type: GraphQLObjectType, fields: tuple[PlannedField, ...], non_null: bool
) -> Complete:
    is_type_of = object_type.is_type_of
    type_name = object_type.name

    def complete(
        frame: _Frame,
        field: PlannedField,
        value: Any,
        path: Path,
        info: GraphQLResolveInfo[Any] | None,
    ) -> Awaitable[dict[str, Any]] | None:
        if value is None:
            if non_null:
                raise Unusual("a null where the type forbids one")
            return None
        if not is_plain_row_type(type(value)):
            raise Unusual("not a plain object")
        # The info of the field's resolver when it has one (the same field and path):
        # graphql-core gives is_type_of that same info.
        if is_type_of is not None and (
            is_type_of(value, info if info is not None else frame.info(field, path)) is not True
        ):
            raise Unusual("a value its type does not own")
        return _object(frame, fields, value, path, type_name)

    return complete


def _rows_completer(
    item_type: GraphQLObjectType, fields: tuple[PlannedField, ...], non_null: bool
) -> Complete:
    if item_type.is_type_of is not None:
        raise Unusual("an object type that checks its values")
    build = object_builder(tuple(field.name for field in fields))
    columns: list[tuple[Callable[[Any], Any], Callable[[list[Any]], list[Any]]]] = []
    for field in fields:
        non_null_leaf = is_non_null_type(field.definition.type)
        leaf_type = get_nullable_type(field.definition.type)
        # Planned under a list: attributes (or the type name) of leaf types only.
        assert field.read is not None
        assert is_leaf_type(leaf_type)
        columns.append((field.read, leaf_column(leaf_type, non_null_leaf)))

    def complete(
        _frame: _Frame,
        _field: PlannedField,
        value: Any,
        _path: Path,
        _info: GraphQLResolveInfo[Any] | None,
    ) -> list[dict[str, Any]] | None:
        if value is None:
            if non_null:
                raise Unusual("a null where the type forbids one")
            return None
        if type(value) is not list:
            raise Unusual("a list of another kind")
        if not all(map(is_plain_row_type, set(map(type, value)))):
            raise Unusual("items that are not plain objects")
        try:
            completed = [column(list(map(read, value))) for read, column in columns]
        except Exception as error:  # refused, or not a plain value: graphql-core decides
            raise Unusual("a leaf value") from error
        return list(map(build, *completed)) if completed else [{} for _ in value]

    return complete
