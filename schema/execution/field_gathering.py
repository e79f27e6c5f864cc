"""Fields that run side by side all run to their end, even when one of them fails, and every
one that fails reports its own error.

graphql-core 3.3 awaits concurrent fields (and list items) with `gather_with_cancel`: when one
fails it cancels the others. That has three costs here:

- a field whose task had not started yet is dropped together with the coroutines graphql-core
  handed it (its resolver's), which Python then reports as "never awaited", at random;
- which errors of the other fields are recorded depends on which read finished first, so the
  same query over the same data could answer with different errors;
- a field cancelled while it held a pooled connection could leave it checked out inside its
  transaction (the reads are shielded against that too: store/running/shielded.py).

So the fields are gathered as graphql-core 3.2 and graphql-js do: every field finishes, and the
first error in field order (not in time) is the one that nulls their parent. The price is the
rest of a failed subtree's reads, bounded by the request timeout; the gain is answers that are
the same every time. graphql-core calls the helper by its module-level name, so the executor
module's reference is the one replaced, by `internals.install` when the schema is built.

A failed field of a non-null type does not record its error: graphql-core raises it to the
nearest nullable parent (or the root), which records it as the error that nulled it. When two
such fields fail side by side (`pulseReport` and `sectorBenchmarks` with no month published),
only one error can travel up; the other's would be lost, and the answer would say nothing of
that field. So the others travel with it (`errors_beside`), and `FieldErrors`, the executor's
error collection, records them right after it: each failed field reports its own error, in
field order, while the first one alone decides what is nulled."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLError
from graphql.execution.executor import CollectedErrors
from graphql.pyutils import Path

# The attribute of a raised error that holds the errors of the fields beside it.
_BESIDE = "profiling_errors_beside"


def errors_beside(error: BaseException) -> list[GraphQLError]:
    """The errors of fields beside `error`'s that failed too, in field order (nested ones
    flattened): they travel with it because only one error can be raised."""
    found: list[GraphQLError] = getattr(error, _BESIDE, [])
    return found


async def gather_all(*awaitables: Awaitable[Any]) -> list[Any]:
    """The results in order once every awaitable has finished; else the first error in order,
    carrying the field errors of the others that failed."""
    results = await asyncio.gather(*awaitables, return_exceptions=True)
    failed = [result for result in results if isinstance(result, BaseException)]
    if not failed:
        return results
    first, *others = failed
    beside = [
        error
        for other in others
        if isinstance(other, GraphQLError)
        for error in (other, *errors_beside(other))
    ]
    if beside:
        setattr(first, _BESIDE, [*errors_beside(first), *beside])
    raise first


class FieldErrors(CollectedErrors):
    """graphql-core's collection of a response's errors, which also records the errors that
    travelled with the one that nulled a position (see the module's docstring)."""

    __slots__ = ()

    def add(self, error: GraphQLError, path: Path | None) -> None:
        if self.has_nulled_position(path):
            return  # inside a part of the answer that is already null: graphql-core's rule
        super().add(error, path)
        # Their paths lie under the position just nulled, so they go in without that check.
        self.errors.extend(errors_beside(error))
