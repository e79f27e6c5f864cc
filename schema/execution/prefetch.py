"""Look ahead from a root lookup to the `metrics` fields asked of the entity it returns.

`account(accountId: ...) { metrics(...) { ... } }` would read the account, then its rows. The
root resolver reads the `metrics` selections here (with their arguments coerced exactly as
the field itself will receive them) and starts the rows' read at once, beside the account's
(resolvers.metrics.prefetch_entity_metrics). Only plain selections are followed: a field under
a directive, or with arguments that do not coerce, is left to its own resolver.

Which `metrics` nodes a root field's selection holds depends only on its nodes and the
fragments of their document, so they are found once per node and type, each with an argument
reader built once (argument_values.py): a hot query does not walk its selection again on every
request. The entries keep their nodes alive, so that their ids (the key) are not reused."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.types import Info

from resolvers.context import RequestContext
from resolvers.metrics import prefetch_entity_metrics
from schema.execution.argument_values import ArgumentReader
from schema.execution.internals import raw_info
from schema.metrics_field import metric_arguments
from store.tables import Level


def prefetch_metrics(info: Info[RequestContext, None], *, level: Level, entity_id: str) -> None:
    """Start reading the rows that the `metrics` selections of the entity this root field
    returns will ask for."""
    raw = raw_info(info)
    object_type = get_named_type(raw.return_type)
    if not isinstance(object_type, GraphQLObjectType):
        return
    field = object_type.fields["metrics"]
    # The info carries the coerced variables as a dict (whatever its annotation says); the
    # field's literals need no sources.
    given: Any = raw.variable_values
    variables = given if isinstance(given, VariableValues) else VariableValues({}, given)
    for node, reader in _SELECTIONS.metrics_of(raw, object_type, field):
        try:
            arguments = (
                reader.read(variables)
                if reader is not None
                else get_argument_values(field, node, variables)
            )
        except Exception:  # a look-ahead only: the field reports its own errors
            continue
        prefetch_entity_metrics(
            info.context, level=level, entity_id=entity_id, arguments=metric_arguments(arguments)
        )


_Found = tuple[tuple[FieldNode, ArgumentReader | None], ...]


class _MetricsSelections:
    """The `metrics` nodes under root field nodes, with their argument readers, by the nodes'
    ids and the entity type; least recently used out first."""

    def __init__(self, maxsize: int = 1024) -> None:
        self._maxsize = maxsize
        self._found: OrderedDict[
            tuple[int, ...], tuple[tuple[FieldNode, ...], GraphQLObjectType, _Found]
        ] = OrderedDict()

    def metrics_of(
        self, raw: GraphQLResolveInfo[Any], object_type: GraphQLObjectType, field: GraphQLField
    ) -> _Found:
        nodes = tuple(raw.field_nodes)
        key = (*map(id, nodes), id(object_type))
        entry = self._found.get(key)
        if entry is not None and entry[1] is object_type:
            self._found.move_to_end(key)
            return entry[2]
        found = tuple(
            (node, ArgumentReader.build(field, node))
            for node in _metrics_nodes(raw, object_type.name)
        )
        self._found[key] = (nodes, object_type, found)
        while len(self._found) > self._maxsize:
            self._found.popitem(last=False)
        return found


_SELECTIONS = _MetricsSelections()


def _metrics_nodes(raw: GraphQLResolveInfo[Any], type_name: str) -> list[FieldNode]:
    found: list[FieldNode] = []

    def visit(selection_set: SelectionSetNode | None, seen: frozenset[str]) -> None:
        for selection in selection_set.selections if selection_set else ():
            if selection.directives:
                continue
            if isinstance(selection, FieldNode):
                if selection.name.value == "metrics":
                    found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or condition.name.value == type_name:
                    visit(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = raw.fragments.get(name)
                if (
                    fragment is not None
                    and name not in seen
                    and fragment.type_condition.name.value == type_name
                ):
                    visit(fragment.selection_set, seen | {name})

    for node in raw.field_nodes:
        visit(node.selection_set, frozenset())
    return found
