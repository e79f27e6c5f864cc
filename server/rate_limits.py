"""Rate limits per API key: each request takes its query's estimated cost from the key's bucket.

The cost is the static estimate of the rows a query can return (`schema/limits.py`), so a key
may send many small queries or a few large ones. A request the bucket cannot pay for is answered
with HTTP 429, a `Retry-After` header and an error whose code is RATE_LIMITED; it runs nothing
and takes nothing from the bucket.

Configured by `settings.RateLimits` (the rate a key regains, its bucket's size, and Redis for
buckets shared by every replica).

Requests without a key (`serve --no-auth`, loopback only) are not limited."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

from graphql import GraphQLError, GraphQLSchema, GraphQLSyntaxError, parse

from resolvers.error_codes import ErrorCode
from schema.limits import estimated_cost
from server.buckets import Buckets, BucketSize, LocalBuckets, RedisBuckets
from settings import RateLimits


def buckets_for(limits: RateLimits) -> Buckets:
    size = BucketSize(rate=limits.rate, burst=limits.burst)
    if limits.redis_url:
        return RedisBuckets(limits.redis_url, size, prefix=limits.redis_prefix)
    return LocalBuckets(size)


class QueryCosts:
    """Estimated costs by query text: a hot query is parsed and measured once."""

    def __init__(self, schema: GraphQLSchema, *, maxsize: int = 1024) -> None:
        self._schema = schema
        self._maxsize = maxsize
        self._costs: OrderedDict[tuple[str, str | None], int] = OrderedDict()

    def of(self, query: str | None, operation_name: str | None) -> int:
        key = (query or "", operation_name)
        cost = self._costs.get(key)
        if cost is None:
            cost = self._measure(query, operation_name)
            self._costs[key] = cost
            if len(self._costs) > self._maxsize:
                self._costs.popitem(last=False)
        else:
            self._costs.move_to_end(key)
        return cost

    def _measure(self, query: str | None, operation_name: str | None) -> int:
        try:
            document = parse(query or "")
        except GraphQLSyntaxError:
            return 1  # refused before it runs, but sending it is not free
        # Even a query of scalars only costs something, so no key can send them endlessly.
        return max(1, estimated_cost(self._schema, document, operation_name))


class RateLimiter:
    def __init__(self, limits: RateLimits, *, schema: GraphQLSchema) -> None:
        self.limits = limits
        self._buckets = buckets_for(limits)
        self._costs = QueryCosts(schema)

    async def refusal(
        self, key_id: str, query: str | None, operation_name: str | None
    ) -> RateLimited | None:
        """None when the key's bucket paid for the query; otherwise why and for how long."""
        # A cost over the bucket's size could never be paid; validation refuses such a query
        # anyway, after it has drained the bucket.
        cost = min(self._costs.of(query, operation_name), self.limits.burst)
        wait = await self._buckets.take(key_id, cost)
        if wait <= 0:
            return None
        return RateLimited(cost=cost, retry_after=max(1, math.ceil(wait)), limits=self.limits)

    async def close(self) -> None:
        await self._buckets.close()


@dataclass(frozen=True, slots=True)
class RateLimited:
    cost: int
    retry_after: int  # whole seconds, as the Retry-After header takes them
    limits: RateLimits

    def as_graphql_error(self) -> GraphQLError:
        return GraphQLError(
            f"Rate limit exceeded: this query costs {self.cost:,} and the key regains "
            f"{self.limits.rate:,.0f} a second (up to {self.limits.burst:,}); "
            f"retry in {self.retry_after} s",
            extensions={"code": ErrorCode.RATE_LIMITED, "retryAfter": self.retry_after},
        )
