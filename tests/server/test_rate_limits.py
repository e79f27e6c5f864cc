"""Rate limits per key: token buckets of query cost, in process and shared in Redis, over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import httpx
import pytest
import redis.asyncio as redis
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from schema.build import build_schema
from schema.execution.internals import graphql_schema
from schema.limits import ListSizes, current_sizes
from server.app import create_app
from server.buckets import BucketSize, LocalBuckets, RedisBuckets
from server.rate_limits import QueryCosts
from settings import QueryLimits, RateLimits, load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY
from tests.factories import Seed

REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()
REQUIRE_REDIS = os.environ.get("PROFILING_REQUIRE_REDIS") == "1"

# Costs 2: the account and its metric rows (one name, one month).
SMALL = """{ account(accountId: "acc-1") {
  metrics(names: ["revenue"], effectiveDates: ["2023-04-01"]) { value } } }"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- the bucket's arithmetic -----------------------------------------------------------


async def test_a_bucket_admits_its_burst_then_tells_how_long_to_wait() -> None:
    clock = FakeClock()
    buckets = LocalBuckets(BucketSize(rate=2.0, burst=10), clock=clock)
    assert [await buckets.take("k", 4) for _ in range(2)] == [0.0, 0.0]
    assert await buckets.take("k", 4) == pytest.approx(1.0)  # 2 left, 2 more at 2 a second
    assert await buckets.take("other", 10) == 0.0  # every key has its own bucket
    clock.now += 1.0
    assert await buckets.take("k", 4) == 0.0  # the refused request took nothing
    clock.now += 3600
    assert await buckets.take("k", 10) == 0.0  # refilled, but never beyond the burst
    assert await buckets.take("k", 1) == pytest.approx(0.5)


@given(
    steps=st.lists(
        st.tuples(st.floats(min_value=0, max_value=5), st.integers(min_value=1, max_value=40)),
        max_size=60,
    ),
    rate=st.floats(min_value=0.5, max_value=50),
    burst=st.integers(min_value=40, max_value=200),
)
async def test_a_key_never_gets_more_than_its_burst_plus_its_rate(
    steps: list[tuple[float, int]], rate: float, burst: int
) -> None:
    clock = FakeClock()
    start = clock.now
    buckets = LocalBuckets(BucketSize(rate=rate, burst=burst), clock=clock)
    admitted = 0
    for elapsed, cost in steps:
        clock.now += elapsed
        wait = await buckets.take("k", cost)
        if wait == 0:
            admitted += cost
        else:
            assert wait > 0
            # Waiting as told is enough: the same request is then admitted.
            clock.now += wait + 1e-9
            assert await buckets.take("k", cost) == 0
            admitted += cost
        assert admitted <= burst + (clock.now - start) * rate + 1e-6


# --- costs and configuration ---------------------------------------------------------------


def test_costs_are_the_static_estimate_of_the_operation_that_runs() -> None:
    costs = QueryCosts(graphql_schema(build_schema()), limits=QueryLimits(max_tokens=2000))
    assert costs.of(SMALL, None) == 2
    assert costs.of("{ __typename }", None) == 1  # nothing is free
    assert costs.of("{ not closed", None) == 1
    two = "query A { industries { industryId } } query B { accounts(first: 100) { totalCount } }"
    assert costs.of(two, "A") == 50
    assert costs.of(two, "B") == 100
    assert costs.of(two, None) == 100  # ambiguous: refused when it runs, charged the most


def test_costs_parse_within_the_token_limit() -> None:
    schema = graphql_schema(build_schema())
    costly = "{ industries { accounts(first: 100) { edges { node { metrics { value } } } } } }"
    padded = costly[:-1] + " __typename" * 60 + " }"  # 88 tokens
    assert QueryCosts(schema, limits=QueryLimits(max_tokens=10_000)).of(padded, None) > 100_000
    # Over the limit the parse stops there, as the schema's own does: refused, charged 1.
    assert QueryCosts(schema, limits=QueryLimits(max_tokens=50)).of(padded, None) == 1


def test_costs_follow_the_schemas_list_sizes() -> None:
    schema = graphql_schema(build_schema())
    costs = QueryCosts(schema, limits=QueryLimits(max_tokens=2000))
    query = '{ account(accountId: "acc-1") { contracts { contractId } } }'
    assert costs.of(query, None) == 1 + 5  # the floor of contracts per account
    current_sizes(schema).update(ListSizes(contracts_per_account=1000))
    assert costs.of(query, None) == 1 + 1000  # measured again with the sizes of now


async def test_a_bucket_charged_beyond_its_tokens_goes_into_debt() -> None:
    clock = FakeClock()
    buckets = LocalBuckets(BucketSize(rate=2.0, burst=10), clock=clock)
    assert await buckets.take("k", 4) == 0.0
    await buckets.charge("k", 10)  # 6 left, 10 more taken: 4 in debt
    assert await buckets.take("k", 2) == pytest.approx(3.0)  # 6 tokens to go, 2 a second
    clock.now += 3.0
    assert await buckets.take("k", 2) == 0.0
    assert await buckets.take("other", 10) == 0.0  # every key has its own bucket


# --- over HTTP -----------------------------------------------------------------------------


@pytest.fixture
async def keys(engine: AsyncEngine) -> dict[str, str]:
    seed = Seed()
    seed.definition("revenue", "EUR")
    seed.industry("retail")
    seed.account("acc-1", app="north", industry="retail")
    seed.metric("account", "acc-1", "revenue", "2023-04-01", "12.5")
    await seed.write(engine)
    made = {}
    for label in ("first", "second"):
        _, made[label] = await create_key(engine, role=Role.APP, app_id="north", name=label)
    return made


@pytest.fixture
async def serve(engine: AsyncEngine) -> AsyncIterator[Callable[..., Any]]:
    """Starts apps (replicas) over the test database, each run through its lifespan."""
    async with AsyncExitStack() as stack:

        async def start(
            rate_limits: RateLimits, *, require_keys: bool = True, **env: str
        ) -> httpx.AsyncClient:
            app = create_app(
                settings=replace(
                    load_settings({"PROFILING_TODAY": TODAY, **env}), rate_limits=rate_limits
                ),
                engine=engine,
                require_keys=require_keys,
            )
            await stack.enter_async_context(app.router.lifespan_context(app))
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
            )

        yield start


async def _post(http: httpx.AsyncClient, key: str | None, query: str = SMALL) -> httpx.Response:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return await http.post("/graphql", json={"query": query}, headers=headers)


def _assert_limited(
    response: httpx.Response, retry_after: int, *, since: float | None = None
) -> None:
    """Refused with `retry_after` seconds to wait, counted from the first take at `since`:
    the bucket refills meanwhile, so a slow machine may see a second or more less."""
    assert response.status_code == 429, response.text
    elapsed = 0 if since is None else math.ceil(time.monotonic() - since)
    expected = range(retry_after - elapsed, retry_after + 1)
    assert int(response.headers["retry-after"]) in expected, response.headers["retry-after"]
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == int(response.headers["retry-after"])
    assert "this query costs 2" in error["message"]


async def test_a_key_over_its_budget_gets_429_with_retry_after(
    serve: Callable[..., Any], keys: dict[str, str]
) -> None:
    # 10 tokens, one back every 100 s: five small queries, then a wait of 100 s for the next.
    http = await serve(RateLimits(rate=0.01, burst=10))
    since = time.monotonic()
    for _ in range(5):
        response = await _post(http, keys["first"])
        assert response.status_code == 200
        assert response.json()["data"]["account"]["metrics"] == [{"value": "12.5"}]
    _assert_limited(await _post(http, keys["first"]), retry_after=200, since=since)
    # Another key has its own bucket; the refused requests took nothing from either.
    assert (await _post(http, keys["second"])).status_code == 200
    _assert_limited(await _post(http, keys["first"]), retry_after=200, since=since)


# Added after the server measured its lists: the estimate still counts 5 contracts (the floor).
CONTRACTS = '{ account(accountId: "acc-1") { contracts { contractId } } }'


async def _add_contracts(engine: AsyncEngine, count: int) -> None:
    seed = Seed()
    seed.company("co-1", account="acc-1")
    for n in range(count):
        seed.contract(f"ct-{n:02}", company="co-1")
    await seed.write(engine)


async def _answer_beyond_its_estimate_is_charged(
    http: httpx.AsyncClient, keys: dict[str, str], engine: AsyncEngine
) -> None:
    await _add_contracts(engine, 40)
    since = time.monotonic()
    first = await _post(http, keys["first"], CONTRACTS)
    assert first.status_code == 200
    assert len(first.json()["data"]["account"]["contracts"]) == 40
    # Paid 6 (the account and 5 contracts) of 40, returned 41 rows: charged 35 more, the
    # bucket is 1 in debt. The next request (6) waits for 7 tokens, 700 s at 0.01 a second.
    refused = await _post(http, keys["first"], CONTRACTS)
    assert refused.status_code == 429, refused.text
    elapsed = math.ceil(time.monotonic() - since)
    assert int(refused.headers["retry-after"]) in range(700 - elapsed - 1, 701)
    assert "this query costs 6" in refused.json()["errors"][0]["message"]
    # Other keys are not charged for it.
    assert (await _post(http, keys["second"], CONTRACTS)).status_code == 200


async def test_an_answer_with_more_rows_than_its_estimate_is_charged_them(
    serve: Callable[..., Any], keys: dict[str, str], engine: AsyncEngine
) -> None:
    http = await serve(RateLimits(rate=0.01, burst=40))
    await _answer_beyond_its_estimate_is_charged(http, keys, engine)


async def test_introspection_is_charged_its_size(
    serve: Callable[..., Any], keys: dict[str, str]
) -> None:
    # Every argument of every field of every type: once charged 1, like `{ __typename }`.
    query = "{ __schema { types { fields { args { name } } } } }"
    cost = QueryCosts(graphql_schema(build_schema()), limits=QueryLimits(max_tokens=2000)).of(
        query, None
    )
    assert cost > 3_000
    http = await serve(RateLimits(rate=0.01, burst=10_000))
    statuses = [(await _post(http, keys["first"], query)).status_code for _ in range(4)]
    admitted = 10_000 // min(cost, 10_000)  # 2: a bucket of 10,000 pays for 2 of 3,589
    assert statuses == [200] * admitted + [429] * (4 - admitted)


async def test_requests_without_keys_and_disabled_limits_are_not_limited(
    serve: Callable[..., Any], keys: dict[str, str]
) -> None:
    loopback = await serve(RateLimits(rate=0.01, burst=2), require_keys=False)
    unlimited = await serve(RateLimits(rate=0, burst=2))
    for _ in range(5):
        assert (await _post(loopback, None)).status_code == 200
        assert (await _post(unlimited, keys["first"])).status_code == 200


async def test_persisted_queries_are_charged_the_cost_of_the_query_they_stand_for(
    serve: Callable[..., Any], keys: dict[str, str]
) -> None:
    http = await serve(RateLimits(rate=0.01, burst=4))
    since = time.monotonic()
    digest = hashlib.sha256(SMALL.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    headers = {"Authorization": f"Bearer {keys['first']}"}
    first = await http.post(
        "/graphql", json={"query": SMALL, "extensions": persisted}, headers=headers
    )
    assert first.status_code == 200
    again = await http.post("/graphql", json={"extensions": persisted}, headers=headers)
    assert again.status_code == 200
    _assert_limited(
        await http.post("/graphql", json={"extensions": persisted}, headers=headers),
        retry_after=200,
        since=since,
    )


# A query over the cost limit never runs: refused as QUERY_TOO_COMPLEX, it is not charged and
# never told to wait. Four lists of 300 accounts cost 1,200, over a limit of 1,000.
MAX_COST = 1_000
OVER_LIMIT = (
    "{ "
    + " ".join(
        f"a{n}: accounts(first: 300) {{ edges {{ node {{ accountId }} }} }}" for n in range(4)
    )
    + " }"
)
# Two of them cost 600: within the limit, and more than half of the bucket.
HALF_BUCKET = (
    "{ "
    + " ".join(
        f"a{n}: accounts(first: 300) {{ edges {{ node {{ accountId }} }} }}" for n in range(2)
    )
    + " }"
)


def _assert_too_complex(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert "retry-after" not in response.headers
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
    # An app key is told the limit and the lists, not the cost (it rests on other apps' data).
    assert error["message"] == (
        "Query refused: its estimated cost is over the limit of 1,000 rows; its lists multiply "
        "the rows: a0, a1, a2, a3. Ask for smaller pages (first) or fewer nested lists at once"
    )


def test_the_over_limit_query_costs_what_the_tests_say() -> None:
    costs = QueryCosts(graphql_schema(build_schema()), limits=QueryLimits(max_cost=MAX_COST))
    assert costs.estimate(OVER_LIMIT, None).cost == 1_200
    assert costs.estimate(OVER_LIMIT, None).over_limits
    assert costs.estimate(HALF_BUCKET, None).cost == 600
    assert not costs.estimate(HALF_BUCKET, None).over_limits
    # Over the alias or depth limit: refused by validation too, so not charged either.
    many_aliases = "{ " + " ".join(f"a{n}: __typename" for n in range(16)) + " }"
    assert costs.estimate(many_aliases, None).over_limits


async def _over_limit_is_refused_uncharged(http: httpx.AsyncClient, key: str) -> None:
    # A fresh key: the refusal leaves its bucket full, so a query of 600 still runs.
    _assert_too_complex(await _post(http, key, OVER_LIMIT))
    _assert_too_complex(await _post(http, key, OVER_LIMIT))
    assert (await _post(http, key, HALF_BUCKET)).status_code == 200
    # 400 left: the query of 1,200 is still refused for what it is, not told to retry.
    _assert_too_complex(await _post(http, key, OVER_LIMIT))
    # And the bucket still holds its 400: the next query of 600 waits for 200 of them.
    refused = await _post(http, key, HALF_BUCKET)
    assert refused.status_code == 429
    assert "this query costs 600" in refused.json()["errors"][0]["message"]


@pytest.mark.parametrize("fast_posts", ["true", "false"])
async def test_a_query_over_the_cost_limit_is_refused_before_it_is_charged(
    serve: Callable[..., Any], keys: dict[str, str], fast_posts: str
) -> None:
    http = await serve(
        RateLimits(rate=0.01, burst=MAX_COST),
        PROFILING_MAX_COST=str(MAX_COST),
        PROFILING_FAST_POSTS=fast_posts,
    )
    await _over_limit_is_refused_uncharged(http, keys["first"])


# --- shared in Redis -----------------------------------------------------------------------


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    """A local port that nobody listens on: bound by a socket that does not listen."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        port: int = holder.getsockname()[1]
        yield port


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        if REQUIRE_REDIS:
            pytest.fail("PROFILING_REQUIRE_REDIS=1 but TEST_REDIS_URL is not set")
        pytest.skip("TEST_REDIS_URL is not set")
    return REDIS_URL


def _shared(redis_url: str, rate: float, burst: int) -> RateLimits:
    # A prefix of its own: runs of the tests never share buckets.
    return RateLimits(
        rate=rate, burst=burst, redis_url=redis_url, redis_prefix=f"test:{uuid.uuid4().hex}:"
    )


@pytest.mark.redis
async def test_replicas_share_one_bucket_per_key_in_redis(
    serve: Callable[..., Any], keys: dict[str, str], redis_url: str
) -> None:
    limits = _shared(redis_url, rate=0.01, burst=10)
    replicas = [await serve(limits), await serve(limits)]
    since = time.monotonic()
    statuses = [(await _post(replicas[n % 2], keys["first"])).status_code for n in range(5)]
    assert statuses == [200] * 5
    for replica in replicas:
        _assert_limited(await _post(replica, keys["first"]), retry_after=200, since=since)
        assert (await _post(replica, keys["second"])).status_code == 200


@pytest.mark.redis
async def test_a_redis_bucket_refills_at_its_rate(
    serve: Callable[..., Any], keys: dict[str, str], redis_url: str
) -> None:
    # Slow enough that the time the requests themselves take on a loaded machine (up to a
    # second for three) cannot refill a request's worth of tokens between them.
    http = await serve(_shared(redis_url, rate=2, burst=4))
    assert [(await _post(http, keys["first"])).status_code for _ in range(2)] == [200, 200]
    _assert_limited(await _post(http, keys["first"]), retry_after=1)  # 1 s, in whole seconds
    await asyncio.sleep(3)  # 6 tokens' worth, capped at the burst of 4
    assert [(await _post(http, keys["first"])).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.redis
async def test_an_answer_beyond_its_estimate_is_charged_in_redis(
    serve: Callable[..., Any], keys: dict[str, str], engine: AsyncEngine, redis_url: str
) -> None:
    http = await serve(_shared(redis_url, rate=0.01, burst=40))
    await _answer_beyond_its_estimate_is_charged(http, keys, engine)


@pytest.mark.redis
async def test_a_redis_bucket_goes_into_debt(redis_url: str) -> None:
    buckets = RedisBuckets(redis_url, BucketSize(rate=4, burst=2), prefix=f"t:{uuid.uuid4()}:")
    try:
        assert await buckets.take("k", 2) == 0
        await buckets.charge("k", 2)  # 2 in debt
        wait = await buckets.take("k", 2)
        assert 0.8 < wait <= 1.0  # 4 tokens to go, 4 a second
        assert await buckets.take("other", 2) == 0
    finally:
        await buckets.close()


@pytest.mark.redis
async def test_redis_keeps_fractions_of_a_token(redis_url: str) -> None:
    buckets = RedisBuckets(redis_url, BucketSize(rate=4, burst=2), prefix=f"t:{uuid.uuid4()}:")
    try:
        assert await buckets.take("k", 2) == 0
        wait = await buckets.take("k", 2)
        assert 0.3 < wait <= 0.5  # not rounded to a whole number by Redis
    finally:
        await buckets.close()


async def test_an_unreachable_redis_admits_requests_and_says_so(
    serve: Callable[..., Any], keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with closed_port() as port:
        http = await serve(RateLimits(rate=0.01, burst=2, redis_url=f"redis://127.0.0.1:{port}"))
        with caplog.at_level(logging.WARNING, logger="profiling.rate_limits"):
            for _ in range(3):
                assert (await _post(http, keys["first"])).status_code == 200
    assert "rate limit store unavailable" in caplog.text


@pytest.mark.redis
async def test_a_query_over_the_cost_limit_takes_nothing_from_a_redis_bucket(
    serve: Callable[..., Any], keys: dict[str, str], redis_url: str
) -> None:
    limits = _shared(redis_url, rate=0.01, burst=MAX_COST)
    http = await serve(limits, PROFILING_MAX_COST=str(MAX_COST))
    _assert_too_complex(await _post(http, keys["first"], OVER_LIMIT))
    client = redis.from_url(redis_url)
    try:
        # The refusal took nothing: Redis holds no bucket for the key yet.
        assert await client.keys(f"{limits.redis_prefix}*") == []
        await _over_limit_is_refused_uncharged(http, keys["second"])
        (bucket,) = await client.keys(f"{limits.redis_prefix}*")
        tokens = float(await client.hget(bucket, "tokens"))
        assert 400 <= tokens < 401  # 1,000 less the one query of 600 that ran, plus refills
    finally:
        await client.aclose()
