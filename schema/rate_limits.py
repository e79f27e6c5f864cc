"""Rate limits per API key: each request takes its query's estimated cost from the key's bucket.

The cost is the static estimate of the rows a query can return (`schema/limits.py`), so a key
may send many small queries or a few large ones. A request the bucket cannot pay for is answered
with HTTP 429, a `Retry-After` header and an error whose code is RATE_LIMITED; it runs nothing
and takes nothing from the bucket.

Configuration (environment):
- PROFILING_RATE_LIMIT_RATE: cost a key regains per second (default 100,000; 0 turns limits off)
- PROFILING_RATE_LIMIT_BURST: cost a full bucket holds (default: the query cost limit, so that
  every query the limits admit can run from a full bucket; it may not be lower)
- REDIS_URL: keep the buckets in Redis, shared by every replica (otherwise in this process)

Requests without a key (`serve --no-auth`, loopback only) are not limited."""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from graphql import GraphQLError, GraphQLSyntaxError, parse

from schema.buckets import Buckets, BucketSize, LocalBuckets, RedisBuckets
from schema.limits import QueryLimits, estimated_cost

RATE_LIMITED = "RATE_LIMITED"
DEFAULT_RATE = 100_000.0


class RateLimitSettingsError(ValueError):
    """The rate limit configuration cannot work; the message says why."""


@dataclass(frozen=True, slots=True)
class RateLimits:
    rate: float = DEFAULT_RATE
    burst: int = QueryLimits().max_cost
    redis_url: str | None = None
    redis_prefix: str = "profiling:rate:"

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, *, max_cost: int | None = None
    ) -> RateLimits:
        env = os.environ if environ is None else environ
        max_cost = QueryLimits().max_cost if max_cost is None else max_cost
        rate_text = env.get("PROFILING_RATE_LIMIT_RATE", "").strip()
        burst_text = env.get("PROFILING_RATE_LIMIT_BURST", "").strip()
        try:
            rate = float(rate_text) if rate_text else DEFAULT_RATE
        except ValueError:
            rate = -1.0
        if not (rate >= 0 and math.isfinite(rate)):
            raise RateLimitSettingsError(
                "PROFILING_RATE_LIMIT_RATE must be a number of cost units per second "
                f"(0 turns rate limits off), got {rate_text!r}"
            )
        try:
            burst = int(burst_text) if burst_text else max_cost
        except ValueError:
            raise RateLimitSettingsError(
                f"PROFILING_RATE_LIMIT_BURST must be a whole number, got {burst_text!r}"
            ) from None
        if burst < max_cost:
            raise RateLimitSettingsError(
                f"PROFILING_RATE_LIMIT_BURST is {burst:,}, below the query cost limit of "
                f"{max_cost:,}: the costliest allowed queries could never run. Raise it, or "
                "lower PROFILING_MAX_COST"
            )
        return cls(rate=rate, burst=burst, redis_url=env.get("REDIS_URL", "").strip() or None)

    def buckets(self) -> Buckets:
        size = BucketSize(rate=self.rate, burst=self.burst)
        if self.redis_url:
            return RedisBuckets(self.redis_url, size, prefix=self.redis_prefix)
        return LocalBuckets(size)


class QueryCosts:
    """Estimated costs by query text: a hot query is parsed and measured once."""

    def __init__(self, *, maxsize: int = 1024) -> None:
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

    @staticmethod
    def _measure(query: str | None, operation_name: str | None) -> int:
        try:
            document = parse(query or "")
        except GraphQLSyntaxError:
            return 1  # refused before it runs, but sending it is not free
        # Even a query of scalars only costs something, so no key can send them endlessly.
        return max(1, estimated_cost(document, operation_name))


class RateLimiter:
    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._buckets = limits.buckets()
        self._costs = QueryCosts()

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
            extensions={"code": RATE_LIMITED, "retryAfter": self.retry_after},
        )
