"""The resolver helpers of an executor, without a reference cycle through it.

graphql-core gives every executor `async_helpers`, a tuple of two of its own bound methods: the
executor refers to itself, so it and everything it holds (the request's context, its
DataLoaders and their caches: the 12,000 metric records of the large query) are freed only by a
full collection of the garbage collector, not when the request lets go of them. Such
collections then walked and freed those records under a later request: a fifth of the large
query's time (docs/performance.md).

Here the helpers hold the executor weakly. They are used by resolvers and by completion while
the executor runs, and a running executor is held by the tasks and coroutines of its own work,
so they find it. Should one outlive it, it does what the executor's method would have done
without the executor's bookkeeping: gather with cancellation, or settle in the background."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Sequence
from inspect import isawaitable
from typing import Any

from graphql.execution import Executor
from graphql.pyutils import gather_with_cancel
from graphql.type.definition import GraphQLResolveInfoHelpers

# Work tracked after its executor was freed; kept until it ends (the loop holds tasks weakly).
_orphaned: set[asyncio.Future[Any]] = set()


def acyclic_helpers(executor: Executor[Any]) -> GraphQLResolveInfoHelpers:
    """`GraphQLResolveInfoHelpers` equal to the executor's own, holding it weakly."""
    reference = weakref.ref(executor)

    def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        found = reference()
        if found is not None:
            return found.gather_async_work(values)
        return gather_with_cancel(*values)

    def track(values: Sequence[Any]) -> None:
        found = reference()
        if found is not None:
            found.track_async_work(values)
            return
        pending = [value for value in values if isawaitable(value)]
        if pending:
            settling = asyncio.gather(*pending, return_exceptions=True)
            _orphaned.add(settling)
            settling.add_done_callback(_orphaned.discard)

    return GraphQLResolveInfoHelpers(gather=gather, track=track)
