"""Rate limits per API key: each request takes its query's estimated cost from the key's bucket.

The cost is the static estimate of the rows a query can return (`schema/limits.py`: with the
list sizes measured in the whole store for internal keys, within their own app's or account's
data for app and account keys, at the floors for public keys, so that neither the cost a 429
names nor when a key is limited tells it anything of other apps' or accounts' lists), so a key
may send many small queries or a few large ones.
A request the bucket cannot pay for is answered with HTTP 429, a `Retry-After` header and an
error whose code is RATE_LIMITED; it runs nothing and takes nothing from the bucket. A request
whose answer holds more rows than its estimate is charged the difference once it has run (the
bucket may go into debt: the key's next requests wait until it has refilled).

The query text is parsed here, before the schema's own pipeline, so with the same token limit:
an oversized document stops at the limit instead of being parsed whole.

A query over a limit of depth, aliases or estimated cost never runs: validation refuses it
(QUERY_TOO_COMPLEX). It is let through uncharged, so that it is refused for what it is, at once:
charged, it would empty the key's bucket (its cost is over the bucket's size) for nothing, or,
with the bucket low, be told to retry (429) a query that can never run.

Configured by `settings.RateLimits` (the rate a key regains, its bucket's size, and Redis for
buckets shared by every replica).

Requests without a key (`serve --no-auth`, loopback only) are not limited."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

from graphql import GraphQLError, GraphQLSchema, parse

from resolvers.error_codes import ErrorCode
from schema.limits import ListSizes, current_sizes, estimated_cost, limit_breaches
from server.answer_rows import Shape, answer_rows, answer_shape
from server.buckets import Buckets, BucketSize, LocalBuckets, RedisBuckets
from settings import QueryLimits, RateLimits
from store.scope import Scope


def buckets_for(limits: RateLimits) -> Buckets:
    size = BucketSize(rate=limits.rate, burst=limits.burst)
    if limits.redis_url:
        return RedisBuckets(limits.redis_url, size, prefix=limits.redis_prefix)
    return LocalBuckets(size)


@dataclass(frozen=True, slots=True)
class Estimate:
    """What a query text is expected to cost, and where its answer holds its rows;
    `over_limits`: validation refuses it (depth, aliases or cost), so it never runs."""

    cost: int
    shape: Shape = field(default_factory=dict)
    over_limits: bool = False


class QueryCosts:
    """Estimated costs by query text and the list sizes it is estimated with (those of the
    key's scope, `CurrentSizes.for_scope`): a hot query is parsed and measured once per sizes
    (keys with equal sizes share it; all is forgotten when a refresh changes a size)."""

    def __init__(
        self, schema: GraphQLSchema, *, limits: QueryLimits | None = None, maxsize: int = 1024
    ) -> None:
        self._schema = schema
        self._limits = limits or QueryLimits()
        self._max_tokens = self._limits.max_tokens
        self._maxsize = maxsize
        self._estimates: OrderedDict[tuple[ListSizes, str, str | None], Estimate] = OrderedDict()
        # The schema's one CurrentSizes for its whole life: looked up once.
        self._current = current_sizes(schema)
        self._version = -1

    def of(
        self,
        query: str | None,
        operation_name: str | None,
        *,
        exact: bool = True,
        sizes: ListSizes | None = None,
    ) -> int:
        return self.estimate(query, operation_name, exact=exact, sizes=sizes).cost

    def estimate(
        self,
        query: str | None,
        operation_name: str | None,
        *,
        exact: bool = True,
        sizes: ListSizes | None = None,
    ) -> Estimate:
        """With `sizes`, or by default the store-wide sizes (`exact`) or the floors."""
        current = self._current
        if current.version != self._version:  # the store-wide sizes changed (see version)
            self._estimates.clear()
            self._version = current.version
        if sizes is None:
            sizes = current.for_audience(exact=exact)
        key = (sizes, query or "", operation_name)
        estimate = self._estimates.get(key)
        if estimate is None:
            estimate = self._measure(query, operation_name, sizes)
            self._estimates[key] = estimate
            if len(self._estimates) > self._maxsize:
                self._estimates.popitem(last=False)
        else:
            self._estimates.move_to_end(key)
        return estimate

    def _measure(self, query: str | None, operation_name: str | None, sizes: ListSizes) -> Estimate:
        try:
            # Stops at the token limit, as the schema's own parse does (MaxTokensLimiter).
            document = parse(query or "", no_location=True, max_tokens=self._max_tokens)
        except GraphQLError:
            return Estimate(1)  # refused before it runs, but sending it is not free
        # Even a query of scalars only costs something, so no key can send them endlessly.
        return Estimate(
            max(1, estimated_cost(self._schema, document, operation_name, sizes=sizes)),
            answer_shape(document, operation_name),
            over_limits=bool(limit_breaches(self._schema, document, self._limits, sizes=sizes)),
        )


@dataclass(frozen=True, slots=True)
class Admitted:
    """A request its key's bucket paid for: what it paid, and where its answer's rows are."""

    key_id: str
    cost: int
    shape: Shape


class RateLimiter:
    def __init__(
        self, limits: RateLimits, *, schema: GraphQLSchema, query_limits: QueryLimits
    ) -> None:
        self.limits = limits
        self._current = current_sizes(schema)
        self._buckets = buckets_for(limits)
        self._costs = QueryCosts(schema, limits=query_limits)

    async def admit(
        self,
        key_id: str,
        query: str | None,
        operation_name: str | None,
        *,
        exact: bool = True,
        scope: Scope | None = None,
    ) -> Admitted | RateLimited | None:
        """What the key's bucket paid for the query; otherwise why and for how long not;
        None for a query over the query limits, which validation refuses uncharged. The query
        is estimated with the sizes of the key's `scope` (without one: the store's when
        `exact`, the floors otherwise), as validation estimates it."""
        sizes = None if scope is None else self._current.for_scope(scope)
        estimate = self._costs.estimate(query, operation_name, exact=exact, sizes=sizes)
        if estimate.over_limits:
            return None
        # The bucket holds at least the cost limit (settings), so this only bounds a cost the
        # list sizes grew past between this estimate and validation's.
        cost = min(estimate.cost, self.limits.burst)
        wait = await self._buckets.take(key_id, cost)
        if wait <= 0:
            return Admitted(key_id, cost, estimate.shape)
        return RateLimited(cost=cost, retry_after=max(1, math.ceil(wait)), limits=self.limits)

    async def charge_answer(self, admitted: Admitted, data: object) -> int:
        """Charge the rows an answer holds beyond what its request paid for (into debt if
        need be); the rows charged."""
        extra = answer_rows(data, admitted.shape) - admitted.cost
        if extra <= 0:
            return 0
        await self._buckets.charge(admitted.key_id, extra)
        return extra

    async def check(self) -> None:
        """At startup: a store that cannot be reached is warned about at once."""
        await self._buckets.check()

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
