"""POST /graphql answered in one frame (server/plain_posts.py) answers and counts exactly as the
layers it stands for: under `--no-auth` (the only setting where a request without a key is
handed on as it is) every request, whatever its Content-Length, Content-Type and Authorization
headers and its body, gets the same status, headers and bytes from an app with the fast path as
from one with PROFILING_FAST_POSTS=false, and both apps' /metrics count the same requests by
status (200, 400, 401, 413, 429 and 500 among them), the same latency observations, errors and
statements. The plain request is answered by the frame itself; anything else takes the whole
way (the measure, the body cap, the key check), as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from server.graphql_steps import GraphQLSteps
from server.observability import Observed
from server.plain_posts import PlainPosts
from tests.schema.execution.differential.support import ACCOUNTS, EXAMPLES
from tests.server import test_graphql_posts as differential
from tests.server.test_graphql_posts import LEFT_TO_THE_VIEW, PLAIN, Headers, Pair, call

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
    lengths=st.sampled_from(["right", "right", "twice", "none", "odd", "over"]),
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
    plain = lengths == "right" and content_type == b"application/json" and not authorization
    assert whole_way.count == (0 if plain else 1)
    await pair.check_metrics()
    fast, standard = await _latency_counts(pair)
    assert fast == standard == [b'profiling_http_request_seconds_count{path="/graphql"} 1.0']


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


async def test_keys_required_take_the_whole_way(make_pair: Callable[..., Pair]) -> None:
    """With keys required no request is handed on as it is: the shortcut calls the guarded
    measure, with the body cap and the key check, as before (no frame that would only look)."""
    pair = make_pair(require_keys=True)
    first = pair.fast.app._first[1].__self__
    assert isinstance(first, Observed)
    assert first.errors is not None
    body = orjson.dumps({"query": "{ industries { industryId } }"})
    for authorization in (None, f"Bearer {pair.keys['north']}".encode()):
        headers: Headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(body)),
        ]
        if authorization is not None:
            headers.append((b"authorization", authorization))
        await pair.both(headers=headers, chunks=[body])
    await pair.check_metrics()
