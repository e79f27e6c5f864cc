"""Plain JSON POSTs answered past Strawberry's view (server/graphql_posts.py) answer exactly as
through it: every request is sent to two apps over the same database, one with the fast path
and one with PROFILING_FAST_POSTS=false, and the two answers must have the same status, the
same headers in the same order and the same bytes; then both apps' /metrics must count the
same requests, errors and SQL statements.

The requests are generated queries sent by keys of every role, and hand-written ones: variables
of the wrong type or missing, unknown operation names, documents of several operations, errors
raised by resolvers (NOT_FOUND, BAD_USER_INPUT, an unexpected failure with its request id),
rate-limited keys (429 with Retry-After), `--no-auth`, and every request the fast path leaves
to the view (persisted queries, batches, malformed bodies, other content types and methods, a
body sent in pieces).

How many statements a request runs is not the same from run to run: a DataLoader's keys asked for
in two turns of the event loop come in one batch or two, by when a read in a worker thread (or
over the network) answers. So the two apps are compared on the statements they run (by shape,
a batch's keys aside), and each app's /metrics on the statements it ran, counted here as they
run."""

from __future__ import annotations

import math
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from resolvers.context import RequestContext
from server.app import create_app
from server.buckets import LocalBuckets
from server.graphql_posts import GraphQLPosts
from server.graphql_steps import GraphQLSteps
from settings import RateLimits, SettingsError, load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY
from tests.schema.execution.differential.support import (
    ACCOUNTS,
    CORPUS,
    EXAMPLES,
    read_kind,
    seed,
)
from tests.schema.query_corpus import Request, data_requests, requests

ROLES = ("internal", "north", "south", "account", "public")

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Headers
    body: bytes


async def call(
    app: Any,
    *,
    method: str = "POST",
    path: str = "/graphql",
    query_string: bytes = b"",
    root_path: str = "",
    headers: Headers | None = None,
    chunks: list[bytes] | None = None,
    sent: list[dict[str, Any]] | None = None,
) -> Answer:
    """One request straight through the ASGI app, its body in `chunks` (one message each), the
    answer as the server would write it (the messages sent, in `sent` when given)."""
    chunks = chunks if chunks is not None else [b""]
    pending = [
        {"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1}
        for n, chunk in enumerate(chunks)
    ]
    sent = [] if sent is None else sent

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string,
        "root_path": root_path,
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    start, *bodies = sent
    assert start["type"] == "http.response.start"
    body = b"".join(message.get("body", b"") for message in bodies)
    return Answer(start["status"], list(start["headers"]), body)


def json_post(
    payload: object, *, key: str | None = None, content_type: bytes = b"application/json"
) -> dict[str, Any]:
    body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    headers: Headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(body))]
    if key is not None:
        headers.append((b"authorization", f"Bearer {key}".encode()))
    return {"headers": headers, "chunks": [body]}


_REQUEST_ID = re.compile(rb'"requestId":"[0-9a-f]{32}"')


def _comparable(body: bytes) -> bytes:
    """An answer with its unexpected errors' request ids (fresh for every request) blanked,
    and its errors in one order (errors of concurrent fields come as their reads finish)."""
    blanked = _REQUEST_ID.sub(b'"requestId":"' + b"0" * 32 + b'"', body)
    try:
        data = orjson.loads(blanked)
    except orjson.JSONDecodeError:
        return blanked
    if isinstance(data, dict) and isinstance(data.get("errors"), list):
        data["errors"].sort(key=orjson.dumps)
        return orjson.dumps(data)
    return blanked


# A statement's lists of parameters (a batch's keys: `IN (?, ?)`, `IN ($3::VARCHAR, $4)`) and
# the numbers of PostgreSQL's parameters, which follow from them.
_PARAMETER_LIST = re.compile(r"\((?:\?|\$\d+(?:::\w+)?)(?:\s*,\s*(?:\?|\$\d+(?:::\w+)?))*\)")
_NUMBERED = re.compile(r"\$\d+")


def shape(statement: str) -> str:
    """A statement as run for any keys of its batch (the account-and-rows read as one read
    whichever form it takes: `read_kind`)."""
    return _NUMBERED.sub("$", _PARAMETER_LIST.sub("(...)", read_kind(statement)))


# The app whose POST is running, in the context its statements run in (tasks inherit it).
_heard_by: ContextVar[Heard | None] = ContextVar("heard_by", default=None)


class Heard:
    """An app, with the SQL statements its POSTs run counted as they run."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.statements = 0
        # The shapes of the statements of its last POST.
        self.last: set[str] = set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        self.last = set()
        token = _heard_by.set(self)
        try:
            await self.app(scope, receive, send)
        finally:
            _heard_by.reset(token)


def _hear(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
    heard = _heard_by.get()
    if heard is not None:
        heard.statements += 1
        heard.last.add(shape(statement))


_WAITS = re.compile(rb'(retry in |"retryAfter":)(\d+)')


def _retry_after(answer: Answer) -> int | None:
    waits = [int(value) for name, value in answer.headers if name == b"retry-after"]
    return waits[0] if waits else None


def _waiting_as(later: Answer, first: Answer, between: float) -> Answer:
    """`later` with the wait `first` was told, when it was told the same wait less the seconds
    that passed from the start of `first` to the start of `later` (a wait shrinks a second a
    second, each rounded up to a whole second): on a slow machine the two apps' answers to one
    rate-limited request, a second apart, say 28 s and 27 s."""
    wait, told = _retry_after(first), _retry_after(later)
    if wait is None or told is None or told == wait:
        return later
    assert wait - math.ceil(between) - 1 <= told <= wait, (first, later, between)
    body = _WAITS.sub(lambda found: found[1] + b"%d" % wait, later.body)
    fixed = {b"retry-after": b"%d" % wait, b"content-length": b"%d" % len(body)}
    headers = [(name, fixed.get(name, value)) for name, value in later.headers]
    return Answer(later.status, headers, body)


@dataclass
class Counted:
    """What an app's /metrics counts (less timings, which differ by nature): requests, errors
    and the POSTs whose statements were counted, and those statements."""

    requests: list[bytes]
    statements: float


@dataclass
class Pair:
    """The same app twice over one database: with the fast path, and without it."""

    fast: Heard
    standard: Heard
    keys: dict[str, str]
    # POSTs the fast app's fast path left to the view.
    view_calls: ViewCalls

    async def both(self, **request: Any) -> Answer:
        started = time.monotonic()
        fast = await call(self.fast, **request)
        between = time.monotonic() - started
        standard = await call(self.standard, **request)
        standard = _waiting_as(standard, fast, between)
        assert fast.status == standard.status, (fast, standard)
        assert fast.headers == standard.headers, (fast, standard)
        if fast.body != standard.body:
            assert _comparable(fast.body) == _comparable(standard.body), (fast, standard)
        # The same statements; how many batches a loader's keys came in is timing's.
        assert self.fast.last == self.standard.last
        return fast

    async def check_metrics(self) -> None:
        """Both apps' /metrics count the same requests and errors, and each the statements its
        requests ran."""
        fast, standard = await self.metrics()
        assert fast.requests == standard.requests
        assert fast.statements == self.fast.statements
        assert standard.statements == self.standard.statements

    async def metrics(self) -> tuple[Counted, Counted]:
        """What both apps' /metrics count."""
        found = []
        for app in (self.fast, self.standard):
            answer = await call(
                app,
                method="GET",
                path="/metrics",
                headers=[(b"authorization", f"Bearer {self.keys['internal']}".encode())],
            )
            assert answer.status == 200, answer
            lines = answer.body.splitlines()
            (total,) = [
                line
                for line in lines
                if line.startswith(b"profiling_sql_statements_per_request_sum")
            ]
            counted = sorted(
                line
                for line in lines
                if line.startswith(
                    (
                        b"profiling_http_requests_total",
                        b"profiling_graphql_errors_total",
                        b"profiling_sql_statements_per_request_count",
                    )
                )
            )
            found.append(Counted(counted, float(total.split()[-1])))
        return found[0], found[1]


def _fast_path(app: Starlette) -> GraphQLPosts | None:
    """The app's fast path, found down the /graphql route's chain of ASGI apps."""
    (route,) = [route for route in app.routes if getattr(route, "path", None) == "/graphql"]
    node: object = route
    while node is not None and not isinstance(node, GraphQLPosts):
        node = getattr(node, "app", None) or getattr(node, "_app", None)
    return node


class ViewCalls:
    """Counts the requests the fast path left to Strawberry's view."""

    def __init__(self, posts: GraphQLPosts, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        view = posts._view

        async def counted(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["method"] == "POST":
                self.count += 1
            await view(scope, receive, send)

        monkeypatch.setattr(posts, "_view", counted)


@pytest.fixture
async def seeded_keys(engine: AsyncEngine) -> dict[str, str]:
    await seed(engine)
    keys = {}
    for label, role, app, account in (
        ("internal", Role.INTERNAL, None, None),
        ("north", Role.APP, "north", None),
        ("south", Role.APP, "south", None),
        ("account", Role.ACCOUNT, None, ACCOUNTS[1]),
        ("public", Role.PUBLIC, None, None),
    ):
        _, keys[label] = await create_key(engine, role=role, app_id=app, account_id=account)
    return keys


@pytest.fixture
def make_pair(
    engine: AsyncEngine, seeded_keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Pair]]:
    def make(*, require_keys: bool = True, rate_limits: RateLimits | None = None) -> Pair:
        apps = []
        for fast in ("true", "false"):
            built = load_settings({"PROFILING_TODAY": TODAY, "PROFILING_FAST_POSTS": fast})
            if rate_limits is not None:
                built = replace(built, rate_limits=rate_limits)
            apps.append(create_app(settings=built, engine=engine, require_keys=require_keys))
        posts = _fast_path(apps[0])
        assert posts is not None
        assert _fast_path(apps[1]) is None
        return Pair(Heard(apps[0]), Heard(apps[1]), seeded_keys, ViewCalls(posts, monkeypatch))

    event.listen(engine.sync_engine, "before_cursor_execute", _hear)
    yield make
    event.remove(engine.sync_engine, "before_cursor_execute", _hear)


@pytest.fixture
async def pair(make_pair: Callable[..., Pair]) -> AsyncIterator[Pair]:
    made = make_pair()
    yield made
    await made.check_metrics()


# --- generated queries, by keys of every role ----------------------------------------------


@settings(EXAMPLES, max_examples=40)
@given(request=requests(CORPUS), role=st.sampled_from(ROLES))
async def test_generated_queries_answer_alike(pair: Pair, request: Request, role: str) -> None:
    post = json_post({"query": request.query, "variables": request.variables}, key=pair.keys[role])
    await pair.both(**post)  # the first time a text is seen: Strawberry's whole pipeline
    await pair.both(**post)  # then its prepared document
    assert pair.view_calls.count == 0


@settings(EXAMPLES, max_examples=30)
@given(request=data_requests(CORPUS), role=st.sampled_from(ROLES))
async def test_generated_queries_with_rows_answer_alike(
    pair: Pair, request: Request, role: str
) -> None:
    post = json_post({"query": request.query, "variables": request.variables}, key=pair.keys[role])
    await pair.both(**post)
    await pair.both(**post)
    assert pair.view_calls.count == 0


# --- hand-written requests the fast path answers -------------------------------------------

METRICS = """query ($id: String!, $month: Date!) { account(accountId: $id) {
  metrics(effectiveDates: [$month]) { metricName value unit effectiveDate formattedValue } } }"""
TWO_OPERATIONS = """
query Names { industries { industryId } }
query Account($id: String!) { account(accountId: $id) { accountId name } }
"""

PLAIN = [
    {"query": METRICS, "variables": {"id": ACCOUNTS[1], "month": "2023-03-01"}},
    {"query": METRICS, "variables": {"id": ACCOUNTS[3], "month": "2023-03-01"}},
    {
        "query": METRICS,
        "variables": {"id": ACCOUNTS[1], "month": "2023-03-01"},
        "operationName": None,
    },
    {"query": METRICS, "variables": {"id": 5, "month": "2023-03-01"}},  # wrong type
    {"query": METRICS, "variables": {"id": ACCOUNTS[1], "month": "March"}},  # not a date
    {"query": METRICS, "variables": {"id": ACCOUNTS[1]}},  # a variable missing
    {"query": METRICS},  # no variables at all
    {"query": METRICS, "variables": None},
    {"query": METRICS, "variables": {"id": "missing", "month": "2023-03-01"}},  # NOT_FOUND
    {"query": TWO_OPERATIONS, "variables": {"id": ACCOUNTS[2]}, "operationName": "Account"},
    {"query": TWO_OPERATIONS, "operationName": "Names"},
    {"query": TWO_OPERATIONS},  # several operations, none named
    {"query": TWO_OPERATIONS, "operationName": "Nope"},  # an unknown operation name
    {"query": "{ industries { industryId } }", "operationName": "Nope"},
    {"query": '{ node(id: "not-an-id") { id } }'},  # BAD_USER_INPUT
    {"query": "{ accounts(first: -1) { edges { node { accountId } } } }"},
    {"query": '{ account(accountId: "acc-1") { metrics(locale: "xx") { value } } }'},
    {"query": "{ industries { nope } }"},  # validation
    {"query": "{ industries { "},  # syntax
    {"query": ""},  # no query
    {"query": "mutation { nothing }"},
    {"query": "subscription { nothing }"},
    {"query": "{ __typename }", "operationName": None, "variables": {}},
]


@pytest.mark.parametrize("role", ROLES)
async def test_plain_requests_answer_alike_for_every_role(pair: Pair, role: str) -> None:
    for payload in PLAIN:
        for _ in range(2):  # through the pipeline, then prepared
            await pair.both(**json_post(payload, key=pair.keys[role]))
    assert pair.view_calls.count == 0


async def test_plain_requests_answer_alike_without_keys(make_pair: Callable[..., Pair]) -> None:
    pair = make_pair(require_keys=False)
    for payload in PLAIN:
        for _ in range(2):
            await pair.both(**json_post(payload))
    assert pair.view_calls.count == 0
    await pair.check_metrics()


async def test_an_unexpected_error_is_logged_under_the_request_id_it_answers(
    pair: Pair, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing(_context: RequestContext) -> None:
        raise RuntimeError("the definitions could not be read")

    # A failure inside a resolver: "Unexpected error" and a request id, the traceback logged.
    monkeypatch.setattr(RequestContext, "definitions", failing)
    post = json_post({"query": "{ metricDefinitions { name } }"}, key=pair.keys["internal"])
    for _ in range(2):
        caplog.clear()
        fast = await call(pair.fast, **post)
        standard = await call(pair.standard, **post)
        assert (fast.status, fast.headers) == (standard.status, standard.headers)
        assert _comparable(fast.body) == _comparable(standard.body)
        answered = [
            orjson.loads(answer.body)["errors"][0]["extensions"]["requestId"]
            for answer in (fast, standard)
        ]
        logged = [getattr(record, "request_id", None) for record in caplog.records]
        assert logged == answered


async def test_content_types_and_charsets_answer_alike(pair: Pair) -> None:
    payload = {"query": "{ industries { industryId } }"}
    for content_type in (
        b"application/json",
        b"application/json; charset=utf-8",
        b"Application/JSON",
        b"application/json-seq",
        b"application/graphql-response+json",
        b"text/plain",
        b"application/x-www-form-urlencoded",
        b"multipart/form-data; boundary=x",
        b";;",
    ):
        await pair.both(**json_post(payload, key=pair.keys["north"], content_type=content_type))


# --- requests the fast path leaves to the view ---------------------------------------------

LEFT_TO_THE_VIEW: list[bytes] = [
    b'{"query": "{ industries { industryId } }", "extensions": {"persistedQuery": '
    b'{"version": 1, "sha256Hash": "00"}}}',
    b'{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}',
    b'{"query": "{ industries { industryId } }", "extensions": null}',
    b'{"query": "{ industries { industryId } }", "other": 1}',
    b'[{"query": "{ industries { industryId } }"}]',
    b'{"query": 12}',
    b'{"query": null}',
    b"{}",
    b'{"query": "{ industries { industryId } }", "variables": [1]}',
    b'{"query": "{ industries { industryId } }", "variables": "x"}',
    b'{"query": "{ industries { industryId } }", "operationName": 3}',
    b'"{ industries { industryId } }"',
    b"12",
    b"null",
    b"not json",
    b'{"query": "{ industries { industryId } }"',
    b"",
    b'\xef\xbb\xbf{"query": "{ industries { industryId } }"}',
    b'{"query": "\xff"}',
]


@pytest.mark.parametrize("body", LEFT_TO_THE_VIEW)
async def test_requests_left_to_the_view_answer_alike(pair: Pair, body: bytes) -> None:
    await pair.both(**json_post(body, key=pair.keys["internal"]))
    assert pair.view_calls.count == 1


async def test_a_persisted_query_registered_then_run_by_hash_answers_alike(pair: Pair) -> None:
    import hashlib

    query = "{ industries { industryId } }"
    extensions = {
        "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}
    }
    for payload in (
        {"extensions": extensions},
        {"query": query, "extensions": extensions},
        {"extensions": extensions},
    ):
        await pair.both(**json_post(payload, key=pair.keys["south"]))


async def test_a_body_sent_in_pieces_answers_alike(pair: Pair) -> None:
    body = orjson.dumps({"query": METRICS, "variables": {"id": ACCOUNTS[1], "month": "2023-03-01"}})
    headers: Headers = [
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {pair.keys['internal']}".encode()),
    ]
    for pieces in ([body[:10], body[10:40], body[40:]], [b"", body, b""], [body[:5]]):
        answer = await pair.both(headers=headers, chunks=pieces)
        assert answer.status == 200 or pieces == [body[:5]]


async def test_a_body_over_the_cap_is_refused_alike(pair: Pair) -> None:
    big = orjson.dumps(
        {"query": "{ industries { industryId } }", "variables": {"x": "y" * 300_000}}
    )
    headers: Headers = [
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {pair.keys['internal']}".encode()),
    ]
    # Without a Content-Length: counted as it arrives, refused once past the cap.
    answer = await pair.both(headers=headers, chunks=[big[:200_000], big[200_000:]])
    assert answer.status == 413
    answer = await pair.both(**json_post(big, key=pair.keys["internal"]))
    assert answer.status == 413


async def test_keys_methods_and_pages_answer_alike(pair: Pair) -> None:
    payload = {"query": "{ industries { industryId } }"}
    for key in (None, "nope", "prof_123_456"):
        await pair.both(**json_post(payload, key=key))
    await pair.both(method="GET", headers=[(b"accept", b"text/html")])
    await pair.both(method="GET", query_string=b"query=%7B__typename%7D")
    await pair.both(method="PUT", **json_post(payload, key=pair.keys["internal"]))
    await pair.both(method="DELETE")
    await pair.both(method="POST", path="/graphql/", **json_post(payload))
    await pair.both(method="GET", path="/healthz")


# --- rate limits -----------------------------------------------------------------------------


class _StoppedClock:
    """Time that does not pass: both apps' buckets refill alike, so Retry-After is exact."""

    def __call__(self) -> float:
        return 1000.0


async def test_rate_limited_keys_get_429_with_retry_after_alike(
    make_pair: Callable[..., Pair], monkeypatch: pytest.MonkeyPatch
) -> None:
    defaults = LocalBuckets.__init__.__kwdefaults__
    assert defaults is not None
    assert "clock" in defaults
    monkeypatch.setitem(defaults, "clock", _StoppedClock())
    pair = make_pair(rate_limits=RateLimits(rate=0.5, burst=30))
    statuses = []
    for role in ("north", "account", "north", "public", "north", "account", "north", "north"):
        for payload in (
            {"query": METRICS, "variables": {"id": ACCOUNTS[1], "month": "2023-03-01"}},
            {"query": "{ accounts(first: 3) { edges { node { accountId } } } }"},
        ):
            answer = await pair.both(**json_post(payload, key=pair.keys[role]))
            statuses.append(answer.status)
            if answer.status == 429:
                assert (
                    b"retry-after",
                    b"%d" % orjson.loads(answer.body)["errors"][0]["extensions"]["retryAfter"],
                ) in answer.headers
    assert 200 in statuses
    assert 429 in statuses
    await pair.check_metrics()


# --- Starlette's way around the route --------------------------------------------------------


async def test_a_failure_under_graphql_is_answered_500_and_raised_alike(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_: Any, **__: Any) -> None:
        raise RuntimeError("no context today")

    # Outside any resolver: nothing turns it into a GraphQL error.
    monkeypatch.setattr(GraphQLSteps, "context", failing)
    post = json_post({"query": "{ industries { industryId } }"}, key=pair.keys["internal"])
    answers = []
    for app in (pair.fast, pair.standard):
        sent: list[dict[str, Any]] = []
        with pytest.raises(RuntimeError, match="no context today"):
            await call(app, sent=sent, **post)
        answers.append(sent)
    assert answers[0] == answers[1]
    assert answers[0][0]["status"] == 500


async def test_requests_under_a_root_path_take_the_router_alike(pair: Pair) -> None:
    post = json_post({"query": "{ industries { industryId } }"}, key=pair.keys["internal"])
    answer = await pair.both(path="/graphql", **post)
    assert answer.status == 200
    for path in ("/graphql/", "/GRAPHQL", "/graphqlx"):
        await pair.both(path=path, **post)
    # Behind a proxy that strips /api: Starlette's router finds the route under the root path.
    answer = await pair.both(path="/api/graphql", root_path="/api", **post)
    assert answer.status == 200
    assert pair.view_calls.count == 0


def test_the_switch_is_a_setting() -> None:
    assert load_settings({}).fast_posts is True
    assert load_settings({"PROFILING_FAST_POSTS": "false"}).fast_posts is False
    with pytest.raises(SettingsError, match="PROFILING_FAST_POSTS"):
        load_settings({"PROFILING_FAST_POSTS": "sometimes"})
