"""A broad generated corpus of queries: hypothesis-graphql's queries over the schema, steered
to ids and arguments that exist in the seeded data, then dressed the way clients write them:
aliases, inline and named fragments, `__typename`, @skip/@include with literals and variables,
and repeated fields that merge."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import graphql
import orjson
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
)
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis_graphql import queries

from settings import DEFAULT_MAX_BODY_BYTES

# Room under the body cap for a generated request (its key, its JSON around it).
_BODY_ROOM = DEFAULT_MAX_BODY_BYTES // 2


def _name(value: str) -> NameNode:
    return NameNode(value=value)


def string(value: str) -> StringValueNode:
    return StringValueNode(value=value)


def strings(values: Sequence[str]) -> ListValueNode:
    return ListValueNode(values=tuple(string(value) for value in values))


def integer(value: int) -> IntValueNode:
    return IntValueNode(value=str(value))


def boolean(value: bool) -> BooleanValueNode:
    return BooleanValueNode(value=value)


NULL = NullValueNode()


@dataclass
class Corpus:
    """What to generate: the root fields, and argument values by argument name. The first two
    values of each argument, and the first four locales, should be ones that answer with data:
    the generators favour them."""

    schema: GraphQLSchema
    root_fields: Sequence[str]
    argument_values: Mapping[str, Sequence[ValueNode]]
    locales: Sequence[str]


@dataclass
class Request:
    query: str
    variables: dict[str, Any]


@dataclass
class _Dressing:
    draw: st.DrawFn
    corpus: Corpus
    fragments: list[FragmentDefinitionNode] = field(default_factory=list)
    variables: dict[str, tuple[str, Any]] = field(default_factory=dict)
    aliases: int = 0

    def selection_set(self, node: SelectionSetNode, parent: Any) -> SelectionSetNode:
        selections: list[SelectionNode] = []
        for selection in node.selections:
            selections.extend(self.selection(selection, parent))
        if self.draw(st.integers(0, 3)) == 0:
            typename = FieldNode(name=_name("__typename"))
            selections.insert(self.draw(st.integers(0, len(selections))), typename)
        return SelectionSetNode(selections=tuple(selections))

    def selection(self, node: SelectionNode, parent: Any) -> list[SelectionNode]:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            inner = self.corpus.schema.get_type(condition.name.value) if condition else parent
            return [
                dataclasses.replace(
                    node, selection_set=self.selection_set(node.selection_set, inner)
                )
            ]
        if not isinstance(node, FieldNode):
            return [node]
        dressed = self.field(node, parent)
        copies: list[SelectionNode] = [dressed]
        if self.draw(st.integers(0, 5)) == 0:
            copies.append(dressed)  # the same field twice: the two merge into one
        return [self.wrap(copy, parent) for copy in copies]

    def field(self, node: FieldNode, parent: Any) -> FieldNode:
        definition = parent.fields[node.name.value]
        arguments = tuple(self.argument(argument) for argument in node.arguments or ())
        if node.name.value == "formattedValue" and self.draw(st.booleans()):
            arguments = (ArgumentNode(name=_name("locale"), value=self.locale()),)
        selection_set = node.selection_set
        if selection_set is not None:
            selection_set = self.selection_set(selection_set, get_named_type(definition.type))
        alias = node.alias
        # Few aliases: the query limits refuse more than 15 in the expanded query.
        if self.aliases < 4 and self.draw(st.integers(0, 4)) == 0:
            self.aliases += 1
            alias = _name(f"a{self.aliases}")
        return dataclasses.replace(
            node,
            alias=alias,
            arguments=arguments,
            directives=self.directives(),
            selection_set=selection_set,
        )

    def argument(self, node: ArgumentNode) -> ArgumentNode:
        if node.name.value == "locale":
            return dataclasses.replace(node, value=self.locale())
        values = self.corpus.argument_values.get(node.name.value)
        if values and self.draw(st.integers(0, 4)) > 0:
            return dataclasses.replace(node, value=self.draw(st.sampled_from(values)))
        return node

    def locale(self) -> ValueNode:
        locales = self.corpus.locales
        locale = self.draw(
            st.sampled_from(locales[:4] if self.draw(st.integers(0, 9)) else locales)
        )
        if self.draw(st.integers(0, 3)) == 0:
            self.variables["loc"] = ("String", locale)
            return VariableNode(name=_name("loc"))
        return string(locale)

    def directives(self) -> tuple[DirectiveNode, ...]:
        choice = self.draw(st.integers(0, 11))
        if choice > 2:
            return ()
        directive = self.draw(st.sampled_from(["include", "skip"]))
        condition: ValueNode
        if choice == 0:
            self.variables["yes"] = ("Boolean!", self.draw(st.booleans()))
            condition = VariableNode(name=_name("yes"))
        else:
            condition = boolean(self.draw(st.booleans()))
        argument = ArgumentNode(name=_name("if"), value=condition)
        return (DirectiveNode(name=_name(directive), arguments=(argument,)),)

    def wrap(self, node: SelectionNode, parent: Any) -> SelectionNode:
        choice = self.draw(st.integers(0, 6))
        if choice == 0:
            return InlineFragmentNode(selection_set=SelectionSetNode(selections=(node,)))
        if choice == 1:
            return InlineFragmentNode(
                type_condition=NamedTypeNode(name=_name(parent.name)),
                selection_set=SelectionSetNode(selections=(node,)),
            )
        if choice == 2:
            name = f"F{len(self.fragments)}"
            self.fragments.append(
                FragmentDefinitionNode(
                    name=_name(name),
                    type_condition=NamedTypeNode(name=_name(parent.name)),
                    selection_set=SelectionSetNode(selections=(node,)),
                )
            )
            return FragmentSpreadNode(name=_name(name))
        return node

    def operation(self, node: OperationDefinitionNode) -> OperationDefinitionNode:
        selection_set = self.selection_set(node.selection_set, self.corpus.schema.query_type)
        definitions = tuple(
            VariableDefinitionNode(
                variable=VariableNode(name=_name(name)),
                type=(
                    NonNullTypeNode(type=NamedTypeNode(name=_name(type_name[:-1])))
                    if type_name.endswith("!")
                    else NamedTypeNode(name=_name(type_name))
                ),
            )
            for name, (type_name, _value) in self.variables.items()
        )
        return dataclasses.replace(
            node, selection_set=selection_set, variable_definitions=definitions
        )


@st.composite
def requests(draw: st.DrawFn, corpus: Corpus) -> Request:
    """hypothesis-graphql's queries: any field, any argument, mostly small."""
    generated: DocumentNode = draw(
        queries(
            corpus.schema,
            fields=corpus.root_fields,
            allow_x00=False,
            custom_scalars={
                "Date": st.dates().map(lambda day: string(day.isoformat())),
                "Decimal": st.decimals(allow_nan=False, allow_infinity=False).map(
                    lambda value: string(str(value))
                ),
            },
            print_ast=lambda document: document,
        )
    )
    return _dressed(draw, corpus, generated)


@st.composite
def data_requests(draw: st.DrawFn, corpus: Corpus, *, depth: int = 5) -> Request:
    """Queries that walk the schema with the seeded ids and arguments, so that most lists they
    select come back with rows: the shape where the lean executor does its work."""
    walk = _Walk(draw, corpus)
    root = corpus.schema.query_type
    assert root is not None
    fields = draw(
        st.lists(st.sampled_from(corpus.root_fields), min_size=1, max_size=3, unique=True)
    )
    selection_set = SelectionSetNode(
        selections=tuple(walk.field(root, name, depth) for name in fields)
    )
    operation = OperationDefinitionNode(
        operation=graphql.OperationType.QUERY, selection_set=selection_set
    )
    return _dressed(draw, corpus, DocumentNode(definitions=(operation,)))


@dataclass
class _Walk:
    draw: st.DrawFn
    corpus: Corpus

    def field(self, parent: Any, name: str, depth: int) -> FieldNode:
        definition = parent.fields[name]
        arguments = tuple(
            ArgumentNode(name=_name(argument), value=self.value(values))
            for argument in definition.args
            if (values := self.corpus.argument_values.get(argument))
            and (
                graphql.is_required_argument(definition.args[argument]) or self.draw(st.booleans())
            )
        )
        named = get_named_type(definition.type)
        selection_set = None
        if not graphql.is_leaf_type(named):
            selection_set = self.selection_set(named, depth - 1)
        return FieldNode(name=_name(name), arguments=arguments, selection_set=selection_set)

    def value(self, values: Sequence[ValueNode]) -> ValueNode:
        return self.draw(st.sampled_from(values[:2] if self.draw(st.integers(0, 9)) else values))

    def selection_set(self, parent: Any, depth: int) -> SelectionSetNode:
        if graphql.is_abstract_type(parent):
            # Through an interface: its own fields, or one of its types' in an inline fragment.
            possible = self.corpus.schema.get_possible_types(parent)
            chosen = self.draw(st.sampled_from(possible))
            inner = self.selection_set(chosen, depth)
            fragment = InlineFragmentNode(
                type_condition=NamedTypeNode(name=_name(chosen.name)), selection_set=inner
            )
            return SelectionSetNode(selections=(FieldNode(name=_name("id")), fragment))
        usable = [
            name
            for name, field_def in parent.fields.items()
            if all(
                argument in self.corpus.argument_values or not graphql.is_required_argument(arg)
                for argument, arg in field_def.args.items()
            )
            and (depth > 0 or graphql.is_leaf_type(get_named_type(field_def.type)))
        ]
        names = self.draw(st.lists(st.sampled_from(usable), min_size=1, max_size=6, unique=True))
        return SelectionSetNode(selections=tuple(self.field(parent, name, depth) for name in names))


def _dressed(draw: st.DrawFn, corpus: Corpus, generated: DocumentNode) -> Request:
    dressing = _Dressing(draw, corpus)
    operations = [
        dressing.operation(definition)
        for definition in generated.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    document = DocumentNode(definitions=(*operations, *dressing.fragments))
    variables = {name: value for name, (_type, value) in dressing.variables.items()}
    request = Request(graphql.print_ast(document), variables)
    # A body over the server's cap is refused (413) before any executor sees it: the
    # differential tests compare executors, so such a query (hypothesis-graphql's long strings
    # can make one) tells them nothing. tests/server/test_body_limit.py tests the cap.
    assume(len(orjson.dumps({"query": request.query, "variables": variables})) < _BODY_ROOM)
    return request
