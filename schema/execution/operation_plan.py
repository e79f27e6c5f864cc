"""A compiled plan per prepared operation: what its execution derives that cannot change.

A document that parsed and validated once (prepared.py) was still executed by graphql-core and
Strawberry as if it were new on every request: the operation looked up among its definitions,
each variable's type resolved from its AST, every field's argument literals coerced again, the
fields under an object collected again, and each resolver called through Strawberry's
reflection. An `OperationPlan`, built once per operation of a prepared document, keeps:

- the operation and its fragments, as `Executor.build` finds them;
- a coercer of its variables (variable_coercion.py);
- per field node and parent type, a `FieldPlan`: the field's definition, an argument reader
  (argument_values.py) and a direct call of its resolver (resolver_calls.py);
- the sub-selections collected per object type, for selections without any directive.

graphql-core still executes the operation: it completes values, nulls what a failed non-null
field nulls, builds the paths and the located errors (compiled.py only replaces how a field's
arguments are read and its resolver called, and where the subfields come from). Anything the
plan does not cover (fragment variables, a field with field extensions, an input object holding
variables, a variable value that is null, missing or refused) takes graphql-core's own code
for that field or that request. Plans live as long as their prepared document: the nodes they
are keyed by (by id) are that document's, so ids are never reused while a plan exists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    Visitor,
    visit,
)
from graphql.execution.collect_fields import CollectedFields, FragmentDetails
from graphql.utilities import get_operation_ast

from schema.execution.account_rows import AccountRowsPlan
from schema.execution.argument_values import ArgumentReader
from schema.execution.direct import DirectPlan
from schema.execution.resolver_calls import ResolverCall
from schema.execution.variable_coercion import VariableCoercer


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """One field node under one parent type: its definition, arguments and resolver call."""

    definition: GraphQLField
    return_type: GraphQLOutputType
    arguments: ArgumentReader
    call: ResolverCall


class _Unbuilt:
    """The direct plan not built yet (None: the operation has none)."""


_UNBUILT = _Unbuilt()


class _Directives(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False
        self.spreads: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        self.found = True

    def enter_fragment_spread(self, node: Any, *_args: Any) -> None:
        self.spreads.add(node.name.value)


class OperationPlan:
    """What executing one operation of a prepared document derives once."""

    def __init__(
        self,
        schema: GraphQLSchema,
        strawberry_schema: strawberry.Schema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        fragment_definitions: dict[str, FragmentDefinitionNode],
    ) -> None:
        self.schema = schema
        self.document = document
        self.strawberry_schema = strawberry_schema
        self.operation = operation
        self.fragment_definitions = fragment_definitions
        self.fragments = {
            name: FragmentDetails(definition) for name, definition in fragment_definitions.items()
        }
        self.variables = VariableCoercer(schema, operation.variable_definitions or ())
        self._fields: dict[tuple[GraphQLObjectType, int], FieldPlan | None] = {}
        self._static: dict[tuple[int, ...], bool] = {}
        self._subfields: dict[tuple[GraphQLObjectType, tuple[int, ...]], CollectedFields] = {}
        self._direct: DirectPlan | _Unbuilt | None = _UNBUILT
        self._account_rows: AccountRowsPlan | _Unbuilt | None = _UNBUILT

    def direct(self) -> DirectPlan | None:
        """How to answer the operation without graphql-core's executor (direct.py), when its
        shape is plain enough; built on first use."""
        direct = self._direct
        if isinstance(direct, _Unbuilt):
            direct = self._direct = DirectPlan.build(self)
        return direct

    def account_rows(self) -> AccountRowsPlan | None:
        """The operation compiled whole when it is an account and its rows (account_rows.py);
        built on first use."""
        found = self._account_rows
        if isinstance(found, _Unbuilt):
            found = self._account_rows = AccountRowsPlan.build(self)
        return found

    @classmethod
    def build(
        cls,
        schema: GraphQLSchema,
        strawberry_schema: strawberry.Schema,
        document: DocumentNode,
        operation_name: str | None,
    ) -> OperationPlan | None:
        """The plan of the named operation, or None where Executor.build must decide (no such
        operation, or fragments with variables of their own)."""
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return None
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                if definition.variable_definitions:
                    return None
                fragments[definition.name.value] = definition
        return cls(schema, strawberry_schema, document, operation, fragments)

    def field(self, parent_type: GraphQLObjectType, node: FieldNode) -> FieldPlan | None:
        key = (parent_type, id(node))
        try:
            return self._fields[key]
        except KeyError:
            plan = self._fields[key] = self._field_plan(parent_type, node)
            return plan

    def _field_plan(self, parent_type: GraphQLObjectType, node: FieldNode) -> FieldPlan | None:
        definition = self.schema.get_field(parent_type, node.name.value)
        if definition is None:
            return None
        arguments = ArgumentReader.build(definition, node)
        call = ResolverCall.build(definition, self.strawberry_schema)
        if arguments is None or call is None:
            return None
        return FieldPlan(definition, definition.type, arguments, call)

    def static(self, nodes: Iterable[FieldNode]) -> tuple[int, ...] | None:
        """The nodes' ids when their selections (fragments followed) hold no directive at all,
        so that the subfields collected under them are the same for every request."""
        nodes = tuple(nodes)
        ids = tuple(map(id, nodes))
        verdict = self._static.get(ids)
        if verdict is None:
            verdict = self._static[ids] = not self._has_directives(nodes)
        return ids if verdict else None

    def _has_directives(self, nodes: tuple[FieldNode, ...]) -> bool:
        finder = _Directives()
        pending: list[Any] = [node.selection_set for node in nodes if node.selection_set]
        seen: set[str] = set()
        while pending:
            visit(pending.pop(), finder)
            for name in finder.spreads - seen:
                seen.add(name)
                fragment = self.fragment_definitions.get(name)
                if fragment is None:
                    return True
                pending.append(fragment)
        return finder.found

    def subfields(self, key: tuple[GraphQLObjectType, tuple[int, ...]]) -> CollectedFields | None:
        return self._subfields.get(key)

    def keep_subfields(
        self, key: tuple[GraphQLObjectType, tuple[int, ...]], collected: CollectedFields
    ) -> None:
        self._subfields[key] = collected
