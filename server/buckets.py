"""Token buckets of query cost, one per API key: in this process, or shared in Redis.

A bucket holds up to `burst` tokens and gains `rate` tokens a second. A request that costs
`cost` tokens is admitted when the bucket holds that many, and they are taken; otherwise
nothing is taken and the caller learns how long until the bucket will hold enough. Refused
requests cost nothing, so a client that waits as told is admitted next time.

A request that turned out to cost more than it was admitted for (it returned more rows than
estimated) is charged the difference afterwards, unconditionally: the bucket may go into debt,
and the key's next requests wait until it has refilled past it.

With several replicas behind a load balancer each process would grant the full rate on its
own; Redis keeps one bucket per key for all of them. The bucket's arithmetic then runs in a Lua
script, atomically, on Redis's own clock, so replicas with skewed clocks agree."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as redis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from server.outage_log import OutageLog

logger = logging.getLogger("profiling.rate_limits")


@dataclass(frozen=True, slots=True)
class BucketSize:
    rate: float  # tokens gained per second
    burst: int  # tokens a full bucket holds


class Buckets(Protocol):
    async def take(self, key: str, cost: int) -> float:
        """0 when `cost` tokens were taken; otherwise the seconds until they will be there."""
        ...

    async def charge(self, key: str, cost: int) -> None:
        """Take `cost` tokens whatever the bucket holds, into debt if need be."""
        ...

    async def check(self) -> None:
        """At startup: warn at once when the store cannot be reached."""
        ...

    async def close(self) -> None: ...


def _shown(url: str) -> str:
    """A Redis URL for the log: its password left out."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port is not None else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def _refill(tokens: float, elapsed: float, size: BucketSize) -> float:
    return min(float(size.burst), tokens + max(0.0, elapsed) * size.rate)


class LocalBuckets:
    """Buckets in this process's memory: right for a single process."""

    def __init__(self, size: BucketSize, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._size = size
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    async def take(self, key: str, cost: int) -> float:
        now, tokens = self._refilled(key)
        wait = 0.0
        if tokens >= cost:
            tokens -= cost
        else:
            wait = (cost - tokens) / self._size.rate
        self._buckets[key] = (tokens, now)
        return wait

    async def charge(self, key: str, cost: int) -> None:
        now, tokens = self._refilled(key)
        self._buckets[key] = (tokens - cost, now)

    def _refilled(self, key: str) -> tuple[float, float]:
        """The time now, and the tokens the key's bucket holds by then (a new one is full)."""
        now = self._clock()
        tokens, at = self._buckets.get(key, (float(self._size.burst), now))
        return now, _refill(tokens, now - at, self._size)

    async def check(self) -> None:
        return

    async def close(self) -> None:
        return


# The same arithmetic as LocalBuckets, on Redis's clock, in two scripts that begin and end
# alike: the bucket refilled up to now, and kept until it would be full again.
_REFILLED = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
"""
_KEPT = """
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
-- A bucket left alone refills completely: after that it need not be kept.
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
"""
# The wait goes back as a string: Redis turns a Lua number into an integer, which would round
# a wait of 0.4 s down to "go now".
_TAKE = (
    _REFILLED
    + """
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
else
  wait = (cost - tokens) / rate
end
"""
    + _KEPT
    + "return tostring(wait)\n"
)
# Takes the tokens whatever the bucket holds: a debt is kept until it has been refilled.
_CHARGE = _REFILLED + "tokens = tokens - cost\n" + _KEPT + "return 0\n"


class RedisBuckets:
    """Buckets in Redis, shared by every replica that uses the same Redis and prefix.

    When Redis cannot be reached the request is admitted and the failure logged: an outage of
    the rate limiter must not become an outage of the API. The log warns at startup, then at
    most once a minute while Redis stays out (server/outage_log.py)."""

    def __init__(self, url: str, size: BucketSize, *, prefix: str = "profiling:rate:") -> None:
        self._size = size
        self._prefix = prefix
        self._client = redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._take = self._client.register_script(_TAKE)
        self._charge = self._client.register_script(_CHARGE)
        self._outage = OutageLog(
            logger,
            "rate limit store",
            _shown(url),
            # A request's extra rows go uncharged too: the same outage, warned about as one.
            "requests are admitted without rate limits until it answers",
        )

    async def check(self) -> None:
        try:
            await self._client.ping()
        except RedisError as exc:
            self._outage.failed(exc)

    async def take(self, key: str, cost: int) -> float:
        answer = await self._run(self._take, key, cost)
        return 0.0 if answer is None else float(answer)

    async def charge(self, key: str, cost: int) -> None:
        await self._run(self._charge, key, cost)

    async def _run(self, script: AsyncScript, key: str, cost: int) -> bytes | int | None:
        """The script's answer on the key's bucket (bytes of a string, or an integer); None when
        Redis cannot be reached (an outage, warned about at most once a minute)."""
        try:
            answer: bytes | int = await script(
                keys=[self._prefix + key], args=[self._size.rate, self._size.burst, cost]
            )
        except RedisError as exc:
            self._outage.failed(exc)
            return None
        self._outage.answered()
        return answer

    async def close(self) -> None:
        await self._client.aclose()
