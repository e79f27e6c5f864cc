"""POST /graphql answered in one frame (server/plain_posts.py) answers and counts exactly as the
layers it stands for: under `--no-auth` (the only setting where a request without a key is
handed on as it is) every request, whatever its Content-Length, Content-Type and Authorization
headers and its body, gets the same status, headers and bytes from an app with the fast path as
from one with PROFILING_FAST_POSTS=false, and both apps' /metrics count the same requests by
status (200, 400, 401, 413, 429 and 500 among them), the same latency observations, errors and
statements. The plain request is answered by the frame itself; anything else takes the whole
way (the measure, the body cap, the key check), as before.

With keys required the frame answers the common request that sends a key: every key of every
role, unknown, revoked, with a wrong secret, malformed, under a lower- or upper-case scheme, two
Authorization headers (the first decides), with and without rate limits, a failing lookup,
answer and count as through the key check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

import store.keys
from server.buckets import LocalBuckets
from server.graphql_steps import GraphQLSteps
from server.plain_posts import PlainPosts
from settings import RateLimits
from store.keys import create_key, revoke_key
from store.scope import Role
from tests.schema.execution.differential.support import ACCOUNTS, EXAMPLES
from tests.server import test_graphql_posts as differential
from tests.server.test_graphql_posts import (
    LEFT_TO_THE_VIEW,
    PLAIN,
    Headers,
    Pair,
    _StoppedClock,
    call,
)

# The fast and standard apps of test_graphql_posts.py, over one database with its keys.
seeded_keys = differential.seeded_keys
make_pair = differential.make_pair

BODIES = [orjson.dumps(payload) for payload in PLAIN[:4] + PLAIN[-6:]] + LEFT_TO_THE_VIEW[:8]
CONTENT_TYPES = [b"application/json", b"application/json; charset=utf-8", b"text/plain", None]
AUTHORIZATIONS = [None, b"", b"Bearer nope", b"Bearer INTERNAL", b"Basic x"]


class WholeWay:
    """Counts the shortcut's requests that `PlainPosts` left to the whole way."""

    def __init__(self, app: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
        plain = app._first[1].__self__  # type: ignore[attr-defined]
        assert isinstance(plain, PlainPosts)
        self.count = 0
        whole_way = plain._whole_way

        async def counted(scope: Any, receive: Any, send: Any) -> None:
            self.count += 1
            await whole_way(scope, receive, send)

        monkeypatch.setattr(plain, "_whole_way", counted)


def _lengths(body: bytes, kind: str) -> list[bytes]:
    return {
        "right": [b"%d" % len(body)],
        "twice": [b"%d" % len(body)] * 2,
        "none": [],
        "odd": [b"+%d" % len(body)],
        "over": [b"300000"],
        # More digits than the cap's, within it: the cap is read as a number, not by its digits.
        "padded": [b"%012d" % len(body)],
        # The default cap (PROFILING_MAX_BODY_BYTES) itself, and one past it: as many digits.
        "cap": [b"262144"],
        "past the cap": [b"262145"],
    }[kind]


def _headers(
    body: bytes, lengths: str, content_type: bytes | None, authorization: bytes | None, key: str
) -> Headers:
    headers: Headers = []
    if content_type is not None:
        headers.append((b"content-type", content_type))
    headers += [(b"content-length", length) for length in _lengths(body, lengths)]
    if authorization is not None:
        headers.append((b"authorization", authorization.replace(b"INTERNAL", key.encode())))
    return headers


async def _latency_counts(pair: Pair) -> list[list[bytes]]:
    """Each app's latency observations of /graphql (how many, not how long)."""
    found = []
    for heard in (pair.fast, pair.standard):
        answer = await call(
            heard,
            method="GET",
            path="/metrics",
            headers=[(b"authorization", f"Bearer {pair.keys['internal']}".encode())],
        )
        found.append(
            [
                line
                for line in answer.body.splitlines()
                if line.startswith(b'profiling_http_request_seconds_count{path="/graphql"}')
            ]
        )
    return found


@settings(EXAMPLES, max_examples=60)
@given(
    body=st.sampled_from(BODIES),
    lengths=st.sampled_from(
        ["right", "right", "twice", "none", "odd", "over", "padded", "cap", "past the cap"]
    ),
    content_type=st.sampled_from(CONTENT_TYPES),
    authorization=st.sampled_from(AUTHORIZATIONS),
)
async def test_any_request_answers_and_counts_alike_without_keys(
    make_pair: Callable[..., Pair],
    monkeypatch: pytest.MonkeyPatch,
    body: bytes,
    lengths: str,
    content_type: bytes | None,
    authorization: bytes | None,
) -> None:
    pair = make_pair(require_keys=False)
    whole_way = WholeWay(pair.fast.app, monkeypatch)
    headers = _headers(body, lengths, content_type, authorization, pair.keys["internal"])
    await pair.both(headers=headers, chunks=[body])
    # A key sent is checked by the frame too; none sent gets the keyless scope.
    plain = lengths in ("right", "padded", "cap") and content_type == b"application/json"
    assert whole_way.count == (0 if plain else 1)
    await pair.check_metrics()
    fast, standard = await _latency_counts(pair)
    assert fast == standard == [b'profiling_http_request_seconds_count{path="/graphql"} 1.0']


@pytest.mark.parametrize(
    ("lengths", "framed"),
    [("right", True), ("padded", True), ("cap", True), ("past the cap", False), ("over", False)],
)
async def test_lengths_about_the_cap_answer_alike(
    make_pair: Callable[..., Pair],
    monkeypatch: pytest.MonkeyPatch,
    lengths: str,
    framed: bool,
) -> None:
    """A Content-Length within the body cap, however many digits it is written with, is
    answered by the frame; one past the cap takes the whole way to its 413, as before."""
    pair = make_pair(require_keys=False)
    whole_way = WholeWay(pair.fast.app, monkeypatch)
    body = BODIES[0]
    answer = await pair.both(
        headers=_headers(body, lengths, b"application/json", None, ""), chunks=[body]
    )
    assert whole_way.count == (0 if framed else 1)
    if not framed:
        assert answer.status == 413
    await pair.check_metrics()


async def test_every_status_of_the_frame_is_counted_alike(
    make_pair: Callable[..., Pair], monkeypatch: pytest.MonkeyPatch
) -> None:
    """200 with and without errors, the view's 400s, the refusals' 400 (no query, no operation
    to run), 401, 413:
    each counted once by status in both apps, the plain ones answered by the frame."""
    pair = make_pair(require_keys=False)
    whole_way = WholeWay(pair.fast.app, monkeypatch)
    metrics = """query ($id: String!) { account(accountId: $id) { accountId } }"""
    statuses = []
    for body in (
        orjson.dumps({"query": metrics, "variables": {"id": ACCOUNTS[1]}}),
        orjson.dumps({"query": "{ industries { nope } }"}),
        orjson.dumps({"query": "mutation { nothing }"}),
        orjson.dumps({"query": ""}),
        orjson.dumps({"query": "fragment F on Query { __typename }"}),
        b'[{"query": "{ __typename }"}]',
        b"not json",
    ):
        answer = await pair.both(
            headers=[
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
            chunks=[body],
        )
        statuses.append(answer.status)
    assert whole_way.count == 0
    unknown = await pair.both(
        headers=[(b"content-type", b"application/json"), (b"authorization", b"Bearer nope")],
        chunks=[b"{}"],
    )
    over = await pair.both(
        headers=[(b"content-type", b"application/json"), (b"content-length", b"300000")],
        chunks=[b"{}"],
    )
    assert whole_way.count == 2
    assert statuses == [200, 200, 200, 400, 400, 400, 400]
    assert (unknown.status, over.status) == (401, 413)
    await pair.check_metrics()
    fast, standard = await _latency_counts(pair)
    assert fast == standard == [b'profiling_http_request_seconds_count{path="/graphql"} 9.0']


async def test_a_failure_in_the_frame_is_answered_500_raised_and_counted_alike(
    make_pair: Callable[..., Pair], monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = make_pair(require_keys=False)
    whole_way = WholeWay(pair.fast.app, monkeypatch)

    def failing(*_: Any, **__: Any) -> None:
        raise RuntimeError("no context today")

    # Outside any resolver: nothing turns it into a GraphQL error.
    monkeypatch.setattr(GraphQLSteps, "context", failing)
    body = orjson.dumps({"query": "{ industries { industryId } }"})
    headers: Headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(body)),
    ]
    answers = []
    for heard in (pair.fast, pair.standard):
        sent: list[dict[str, Any]] = []
        with pytest.raises(RuntimeError, match="no context today"):
            await call(heard, headers=headers, chunks=[body], sent=sent)
        answers.append(sent)
    assert answers[0] == answers[1]
    assert answers[0][0]["status"] == 500
    assert whole_way.count == 0
    fast, standard = await pair.metrics()
    assert fast.requests == standard.requests
    assert b'profiling_http_requests_total{path="/graphql",status="500"} 1.0' in fast.requests


# --- keys required: the key checked in the frame ------------------------------------------

ROLES = ("internal", "north", "south", "account", "public")
# Authorization headers, in order, with `{label}` standing for the key of that label (the
# seeded ones, `revoked`, and `wrong`: the internal key's id with another secret).
KEYED_AUTHORIZATIONS: list[list[bytes]] = [
    *([b"Bearer {%s}" % role.encode()] for role in ROLES),
    [b"bearer {north}"],
    [b"BEARER {account}"],
    [b"Bearer   {public}  "],
    [b"Bearer\t{internal}"],
    [b"Bearer {revoked}"],
    [b"Bearer {wrong}"],
    [b"Bearer prof_000000000000_nothing"],
    [b"Bearer prof_"],
    [b"Bearer nope"],
    [b"Bearer"],
    [b"Bearer "],
    [b"{internal}"],
    [b"Basic {internal}"],
    [b"Bearer {internal}\xe9"],
    [b" "],
    [],
    [b""],
    [b"Bearer {south}", b"Bearer nope"],
    [b"Bearer nope", b"Bearer {south}"],
    [b"", b"Bearer {internal}"],
]


@pytest.fixture
async def keyed(engine: AsyncEngine, seeded_keys: dict[str, str]) -> dict[str, str]:
    """The seeded keys, a revoked one, and the internal key's id with a wrong secret."""
    record, revoked = await create_key(engine, role=Role.INTERNAL)
    await revoke_key(engine, key_id=record.key_id)
    internal = seeded_keys["internal"]
    wrong = internal[: internal.rindex("_") + 1] + "x" * 43
    return {**seeded_keys, "revoked": revoked, "wrong": wrong}


def _authorizations(headers: list[bytes], keys: dict[str, str]) -> Headers:
    found: Headers = []
    for header in headers:
        for label, key in keys.items():
            header = header.replace(b"{%s}" % label.encode(), key.encode())
        found.append((b"authorization", header))
    return found


@settings(EXAMPLES, max_examples=80)
@given(
    require_keys=st.sampled_from([True, True, False]),
    body=st.sampled_from(BODIES),
    lengths=st.sampled_from(["right", "right", "right", "twice", "none", "odd", "over"]),
    content_type=st.sampled_from(CONTENT_TYPES[:1] * 3 + CONTENT_TYPES[1:]),
    authorizations=st.sampled_from(KEYED_AUTHORIZATIONS),
)
async def test_any_keyed_request_answers_and_counts_alike(
    make_pair: Callable[..., Pair],
    keyed: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    require_keys: bool,
    body: bytes,
    lengths: str,
    content_type: bytes | None,
    authorizations: list[bytes],
) -> None:
    pair = make_pair(require_keys=require_keys)
    whole_way = WholeWay(pair.fast.app, monkeypatch)
    headers = _headers(body, lengths, content_type, None, "")
    headers += _authorizations(authorizations, keyed)
    await pair.both(headers=headers, chunks=[body])
    sends_key = bool(authorizations and authorizations[0])
    plain = (
        lengths == "right"
        and content_type == b"application/json"
        and (sends_key or not require_keys)
    )
    assert whole_way.count == (0 if plain else 1)
    await pair.check_metrics()
    fast, standard = await _latency_counts(pair)
    assert fast == standard == [b'profiling_http_request_seconds_count{path="/graphql"} 1.0']


async def test_keys_required_the_frame_answers_every_key_and_refusal(
    make_pair: Callable[..., Pair], keyed: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys of every role get their own scope's answer, a revoked, unknown or malformed key the
    key check's 401 with its WWW-Authenticate, all from the frame; no key takes the whole way
    to the same 401."""
    pair = make_pair(require_keys=True)
    whole_way = WholeWay(pair.fast.app, monkeypatch)
    body = orjson.dumps({"query": "{ accounts(first: 50) { edges { node { accountId } } } }"})
    seen = {}
    for label in (*ROLES, "revoked", "wrong"):
        answer = await pair.both(
            headers=[
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
                (b"authorization", f"Bearer {keyed[label]}".encode()),
            ],
            chunks=[body],
        )
        seen[label] = answer
    assert whole_way.count == 0
    assert {label: seen[label].status for label in seen} == {
        **dict.fromkeys(ROLES, 200),
        "revoked": 401,
        "wrong": 401,
    }
    assert (b"www-authenticate", b'Bearer realm="profiling"') in seen["revoked"].headers
    # Each role sees its own accounts: the scope handed on is the key's.
    assert len({seen[role].body for role in ("internal", "north", "south", "account")}) == 4
    keyless = await pair.both(
        headers=[(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))],
        chunks=[body],
    )
    assert keyless.status == 401
    assert whole_way.count == 1
    await pair.check_metrics()
    fast, standard = await _latency_counts(pair)
    assert fast == standard == [b'profiling_http_request_seconds_count{path="/graphql"} 8.0']


async def test_rate_limited_keys_are_answered_alike_by_the_frame(
    make_pair: Callable[..., Pair], monkeypatch: pytest.MonkeyPatch
) -> None:
    defaults = LocalBuckets.__init__.__kwdefaults__
    assert defaults is not None
    monkeypatch.setitem(defaults, "clock", _StoppedClock())
    pair = make_pair(require_keys=True, rate_limits=RateLimits(rate=0.5, burst=30))
    whole_way = WholeWay(pair.fast.app, monkeypatch)
    body = orjson.dumps({"query": "{ accounts(first: 3) { edges { node { accountId } } } }"})
    statuses = []
    for role in ("north", "account", "north", "north", "north", "north", "north", "account"):
        answer = await pair.both(
            headers=[
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
                (b"authorization", f"Bearer {pair.keys[role]}".encode()),
            ],
            chunks=[body],
        )
        statuses.append(answer.status)
    assert whole_way.count == 0
    assert 200 in statuses
    assert 429 in statuses
    await pair.check_metrics()


async def test_a_failing_key_lookup_is_answered_500_raised_and_counted_alike(
    make_pair: Callable[..., Pair], monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = make_pair(require_keys=True)
    whole_way = WholeWay(pair.fast.app, monkeypatch)

    async def failing(*_: Any, **__: Any) -> None:
        raise RuntimeError("no database today")

    monkeypatch.setattr(store.keys.KeyCheck, "credential", failing)
    body = orjson.dumps({"query": "{ industries { industryId } }"})
    headers: Headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(body)),
        (b"authorization", f"Bearer {pair.keys['north']}".encode()),
    ]
    answers = []
    for heard in (pair.fast, pair.standard):
        sent: list[dict[str, Any]] = []
        with pytest.raises(RuntimeError, match="no database today"):
            await call(heard, headers=headers, chunks=[body], sent=sent)
        answers.append(sent)
    assert answers[0] == answers[1]
    assert answers[0][0]["status"] == 500
    assert whole_way.count == 0
    monkeypatch.undo()
    fast, standard = await pair.metrics()
    assert fast.requests == standard.requests
    assert b'profiling_http_requests_total{path="/graphql",status="500"} 1.0' in fast.requests
