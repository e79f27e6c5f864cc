"""The schema extension that checks a request's query against the limits rule of its audience
(schema/limits.py): internal keys' queries by the sizes measured in the store, every other
key's by sizes that no data moves."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from schema.audience import told_exact
from schema.limits import LimitsRules


class QueryLimitsOfAudience(SchemaExtension):
    def __init__(self, rules: LimitsRules) -> None:
        self._rules = rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        rule = self._rules.of(exact=told_exact(context.context))
        context.validation_rules = (*context.validation_rules, rule)
        yield
