"""The rows an answer holds, counted as the cost estimate counts them (schema/limits.py): its
objects, list items or not, below the answer's own top-level object. Scalars, lists of them
included, are fields of their object.

The count follows the query's shape (`answer_shape`): the response keys under which objects
can be found, merged over fragments. Objects without such keys (metric rows, the bulk of a
large answer) are counted by the length of their list, never visited field by field: 120,000
metric rows are counted in a few ms, where a walk of every value took 70. A list the database
wrote as JSON text (schema/execution/account_rows_json.py) is counted by what its object says."""

from __future__ import annotations

from itertools import chain
from typing import Any, TypeAlias

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from schema.execution.account_rows_json import ObjectWithTextRows

# The response keys that hold objects (or lists of them), each with the shape of those objects.
Shape: TypeAlias = dict[str, "Shape"]


def answer_shape(document: DocumentNode, operation_name: str | None) -> Shape:
    """The shape of the answer of the operation a request runs (empty when the name does not
    pick one out: such a request runs nothing)."""
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    if operation_name is not None:
        operations = [
            operation
            for operation in operations
            if operation.name is not None and operation.name.value == operation_name
        ]
    if len(operations) != 1:
        return {}
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return _shape(operations[0].selection_set, fragments, frozenset())


def _shape(
    selections: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str],
) -> Shape:
    shape: Shape = {}
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if selection.selection_set is None:  # a leaf
                continue
            key = (selection.alias or selection.name).value
            _merge(shape, {key: _shape(selection.selection_set, fragments, seen)})
        elif isinstance(selection, InlineFragmentNode):
            _merge(shape, _shape(selection.selection_set, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:  # a cycle is refused by validation
                _merge(shape, _shape(fragment.selection_set, fragments, seen | {name}))
    return shape


def _merge(into: Shape, other: Shape) -> None:
    for key, child in other.items():
        if key in into:
            _merge(into[key], child)
        else:
            into[key] = child


def answer_rows(data: object, shape: Shape) -> int:
    """The objects of `data` below its top-level object, found where `shape` says."""
    if not isinstance(data, dict):
        return 0
    return _rows_below([data], shape)


def _rows_below(objects: list[dict[str, Any]], shape: Shape) -> int:
    rows = 0
    for key, child in shape.items():
        found = _objects([item.get(key) for item in objects])
        rows += len(found)
        if child and found:
            rows += _rows_below(found, child)
    for item in objects:
        if type(item) is ObjectWithTextRows:
            # Its text lists hold objects of leaves only (row_fields): their count is all.
            rows += sum(count for key, count in item.text_rows.items() if key in shape)
    return rows


_OBJECTS: set[type] = {dict, ObjectWithTextRows}


def _objects(values: list[Any]) -> list[dict[str, Any]]:
    """The objects among `values`, lists (of lists...) of them flattened; nulls dropped. Lists
    are flattened and checked at C speed (`chain`, `map`), not item by item in Python."""
    kinds = set(map(type, values))
    if kinds <= _OBJECTS:
        return values
    found = [value for value in values if type(value) in _OBJECTS] if kinds & _OBJECTS else []
    if list in kinds:
        lists = values if kinds == {list} else [value for value in values if type(value) is list]
        found.extend(_objects(list(chain.from_iterable(lists))))
    return found
