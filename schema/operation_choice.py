"""Which operation of a document a request runs: the one `operationName` names, or the only one.

The GraphQL spec (GetOperation) makes a document of several operations without a name a request
error, and a name that is none of them one too. Strawberry instead runs the first operation when
no name is given (its ExecutionContext falls back to it), which every path of ours inherits: the
prepared and compiled paths only take operations graphql-core picks out, so they hand such a
request to that pipeline. `ChooseOperation` checks the parsed document against the name the
request gave, before validation and execution, and raises Strawberry's own refusal
(CannotGetOperationTypeError, answered HTTP 400 BAD_REQUEST by the view and by the plain POST
path alike) with a sentence that says what to send.

The name the request gave is not public on Strawberry's ExecutionContext (its `operation_name`
answers the first operation's name when none was given), so `ProfilingSchema.execute` puts it
in a context variable for the request's task."""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar

from graphql import DocumentNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError

# The request's own operationName, as a 1-tuple (its name may be None); None outside
# ProfilingSchema.execute, where nothing is checked.
REQUESTED_OPERATION: ContextVar[tuple[str | None] | None] = ContextVar(
    "requested_operation", default=None
)


class OperationNotChosen(CannotGetOperationTypeError):
    """A request whose operationName picks no single operation of its document."""

    def __init__(self, operation_name: str | None, names: list[str]) -> None:
        super().__init__(operation_name)
        self.names = names

    def as_http_error_reason(self) -> str:
        listed = ", ".join(self.names)
        if self.operation_name is None:
            return (
                f"The query holds {len(self.names)} operations ({listed}): name the one to run "
                f'in "operationName"'
            )
        if not self.names:
            return (
                f'The query holds no operation named "{self.operation_name}" (only an unnamed '
                f'one): leave out "operationName"'
            )
        return (
            f'The query holds no operation named "{self.operation_name}": set "operationName" '
            f"to one of {listed}"
        )


def operation_names(document: DocumentNode) -> tuple[list[OperationDefinitionNode], list[str]]:
    """The document's operations and the names of the named ones, in the document's order."""
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    return operations, [operation.name.value for operation in operations if operation.name]


def check_choice(document: DocumentNode, operation_name: str | None) -> None:
    """Raises OperationNotChosen unless `operation_name` picks exactly one operation."""
    operations, names = operation_names(document)
    if not operations or (len(operations) > 1 and len(names) < len(operations)):
        return  # validation refuses it: no operation, or an anonymous one among others
    if operation_name is None:
        if len(operations) > 1:
            raise OperationNotChosen(None, names)
        return
    if operation_name not in names:
        raise OperationNotChosen(operation_name, names)


class ChooseOperation(SchemaExtension):
    """Refuses, once the query is parsed, a request whose operationName picks no single
    operation (a document without operations is left to validation, which says so)."""

    def on_parse(self) -> Iterator[None]:
        yield
        requested = REQUESTED_OPERATION.get()
        document = self.execution_context.graphql_document
        if requested is not None and document is not None:
            check_choice(document, requested[0])
