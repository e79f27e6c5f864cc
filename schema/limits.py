"""Query limits, checked before execution: depth, aliases, tokens and a static cost.

The cost is an estimate of the rows a query can return: each list field multiplies the rows of
everything under it by its page size (`first`, default 50), its number of requested metrics and
months, or a typical size. Values given as variables count as their largest allowed size, since
validation runs (and is cached) before variables are known."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"

# Typical sizes of lists without a page argument, and of metrics without filters.
_TYPICAL_CHILDREN = {"companies": 5, "contracts": 5, "industries": 50, "benchmarks": 500}
_TYPICAL_METRICS = 12
_TYPICAL_MONTHS = 24
_MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class QueryLimits:
    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2_000
    # Allows 100 accounts with their companies, contracts and all their metrics (about 0.8
    # million), or 50 industries x 100 accounts x every metric and month (about 1.5 million).
    max_cost: int = 3_000_000

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> QueryLimits:
        env = os.environ if environ is None else environ
        defaults = cls()

        def number(name: str, default: int) -> int:
            text = env.get(name, "").strip()
            if not text:
                return default
            value = int(text) if text.isdigit() else 0
            if value < 1:
                raise ValueError(f"{name} must be a positive whole number, got {text!r}")
            return value

        return cls(
            max_depth=number("PROFILING_MAX_DEPTH", defaults.max_depth),
            max_aliases=number("PROFILING_MAX_ALIASES", defaults.max_aliases),
            max_tokens=number("PROFILING_MAX_TOKENS", defaults.max_tokens),
            max_cost=number("PROFILING_MAX_COST", defaults.max_cost),
        )


def _argument(node: FieldNode, name: str) -> Any:
    for argument in node.arguments or ():
        if argument.name.value == name:
            return argument.value
    return None


def _list_length(value: Any, default: int) -> int:
    if isinstance(value, ListValueNode):
        return max(len(value.values), 1)
    return default


def _multiplier(node: FieldNode) -> int:
    """How many rows one instance of this field can stand for."""
    name = node.name.value
    if name in ("accounts", "edges"):
        first = _argument(node, "first")
        if isinstance(first, IntValueNode):
            return max(1, min(int(first.value), _MAX_PAGE))
        return 1 if name == "edges" else (_MAX_PAGE if first is not None else 50)
    if name == "metrics":
        metrics = _list_length(_argument(node, "names"), _TYPICAL_METRICS)
        months = _list_length(_argument(node, "effectiveDates"), _TYPICAL_MONTHS)
        last = _argument(node, "lastFullMonth")
        if last is not None and getattr(last, "value", False) is True:
            months = 1
        return metrics * months
    return _TYPICAL_CHILDREN.get(name, 1)


class _Measure:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.aliases = 0
        self.depth = 0
        self.cost = 0

    def selection_set(
        self, selections: SelectionSetNode, depth: int, rows: int, seen: frozenset[str]
    ) -> None:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    self.aliases += 1
                if selection.name.value.startswith("__"):
                    continue
                self.depth = max(self.depth, depth)
                here = rows * _multiplier(selection)
                if selection.selection_set is not None:
                    # Rows are objects and list items; their scalar fields come with them.
                    self.cost += here
                    self.selection_set(selection.selection_set, depth + 1, here, seen)
            elif isinstance(selection, InlineFragmentNode):
                self.selection_set(selection.selection_set, depth, rows, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A fragment cycle is reported by graphql-core's own rules: stop following it.
                if fragment is not None and name not in seen:
                    self.selection_set(fragment.selection_set, depth, rows, seen | {name})


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def _measured(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> _Measure:
    measure = _Measure(fragments)
    measure.selection_set(operation.selection_set, 1, 1, frozenset())
    return measure


def estimated_cost(document: DocumentNode, operation_name: str | None = None) -> int:
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
        (_measured(operation, fragments).cost for operation in chosen or operations), default=0
    )


def limits_rule(limits: QueryLimits) -> type[ASTValidationRule]:
    class QueryLimitsRule(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self._context = context

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            measure = _measured(node, _fragments(self._context.document))
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
                            extensions={"code": QUERY_TOO_COMPLEX},
                        )
                    )

    return QueryLimitsRule
