"""Query limits, checked before execution: depth, aliases, tokens and a static cost.

The cost is an estimate of the rows a query can return: each field multiplies the rows of
everything under it by what one instance of it stands for, which each field declares beside
its definition (`metadata=field_cost(...)`, as Saleor's cost map does): a page size (`first`,
default 50), the number of requested metrics and months, or a typical size of its list; a field
that declares nothing stands for one row. Values given as variables count as their largest
allowed size, since validation runs (and is cached) before variables are known."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    get_named_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from resolvers.error_codes import ErrorCode
from settings import QueryLimits

COST = "profiling.cost"

# How many rows one instance of a field stands for, from its node (arguments as written).
FieldCost = Callable[[FieldNode], int]

# Typical sizes of metrics without filters, and the largest page.
_TYPICAL_METRICS = 12
_TYPICAL_MONTHS = 24
_MAX_PAGE = 100


def field_cost(cost: FieldCost) -> dict[str, object]:
    """Field metadata that declares what one instance of the field costs."""
    return {COST: cost}


def _argument(node: FieldNode, name: str) -> Any:
    for argument in node.arguments or ():
        if argument.name.value == name:
            return argument.value
    return None


def _list_length(value: Any, default: int) -> int:
    if isinstance(value, ListValueNode):
        return max(len(value.values), 1)
    return default


def typical(size: int) -> FieldCost:
    """A list without a page argument, of about `size` items."""
    return lambda _node: size


def page(*, default: int = 50) -> FieldCost:
    """A page of `first` items (`default` when not given; the largest page for a variable)."""

    def cost(node: FieldNode) -> int:
        first = _argument(node, "first")
        if isinstance(first, IntValueNode):
            return max(1, min(int(first.value), _MAX_PAGE))
        return _MAX_PAGE if first is not None else default

    return cost


def metric_rows_cost(node: FieldNode) -> int:
    """An entity's metric rows: one per requested metric and month."""
    metrics = _list_length(_argument(node, "names"), _TYPICAL_METRICS)
    months = _list_length(_argument(node, "effectiveDates"), _TYPICAL_MONTHS)
    last = _argument(node, "lastFullMonth")
    if last is not None and getattr(last, "value", False) is True:
        months = 1
    return metrics * months


def _declared_cost(parent: GraphQLNamedType | None, node: FieldNode) -> tuple[int, Any]:
    """What one instance of the field stands for, and the type of its value (if known)."""
    if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return 1, None
    field = parent.fields.get(node.name.value)
    if field is None:  # an unknown field: validation reports it
        return 1, None
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    cost = None
    if isinstance(definition, StrawberryField) and definition.metadata:
        cost = definition.metadata.get(COST)
    return (1 if cost is None else cost(node)), get_named_type(field.type)


class _Measure:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.aliases = 0
        self.depth = 0
        self.cost = 0

    def selection_set(
        self,
        selections: SelectionSetNode,
        parent: GraphQLNamedType | None,
        depth: int,
        rows: int,
        seen: frozenset[str],
    ) -> None:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    self.aliases += 1
                if selection.name.value.startswith("__"):
                    continue
                self.depth = max(self.depth, depth)
                multiplier, value_type = _declared_cost(parent, selection)
                here = rows * multiplier
                if selection.selection_set is not None:
                    # Rows are objects and list items; their scalar fields come with them.
                    self.cost += here
                    self.selection_set(selection.selection_set, value_type, depth + 1, here, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                narrowed = self._type(condition.name.value) if condition else parent
                self.selection_set(selection.selection_set, narrowed, depth, rows, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A fragment cycle is reported by graphql-core's own rules: stop following it.
                if fragment is not None and name not in seen:
                    narrowed = self._type(fragment.type_condition.name.value)
                    self.selection_set(fragment.selection_set, narrowed, depth, rows, seen | {name})

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.schema.get_type(name)


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def _measured(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
) -> _Measure:
    measure = _Measure(schema, fragments)
    root = schema.get_root_type(operation.operation)
    measure.selection_set(operation.selection_set, root, 1, 1, frozenset())
    return measure


def estimated_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None = None
) -> int:
    """The estimated rows of the operation a request runs (of the costliest one when the
    name does not pick one out: the executor will refuse the request then anyway)."""
    fragments = _fragments(document)
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    chosen = [
        operation
        for operation in operations
        if operation.name is not None and operation.name.value == operation_name
    ]
    return max(
        (_measured(schema, operation, fragments).cost for operation in chosen or operations),
        default=0,
    )


def limits_rule(limits: QueryLimits) -> type[ASTValidationRule]:
    class QueryLimitsRule(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self._context = context

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            context = self._context
            measure = _measured(context.schema, node, _fragments(context.document))
            for what, figure, limit in (
                ("depth", measure.depth, limits.max_depth),
                ("aliases", measure.aliases, limits.max_aliases),
                ("estimated cost (rows)", measure.cost, limits.max_cost),
            ):
                if figure > limit:
                    self.report_error(
                        GraphQLError(
                            f"Query refused: its {what} is {figure:,}, over the limit of {limit:,}",
                            node,
                            extensions={"code": ErrorCode.QUERY_TOO_COMPLEX},
                        )
                    )

    return QueryLimitsRule
