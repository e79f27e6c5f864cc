"""Fields that run side by side all run to their end, even when one of them fails.

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
module's reference is the one replaced, by `internals.install` when the schema is built."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any


async def gather_all(*awaitables: Awaitable[Any]) -> list[Any]:
    """The results in order once every awaitable has finished; else the first error in order."""
    results = await asyncio.gather(*awaitables, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results
