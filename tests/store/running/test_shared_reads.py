"""Statements shared by the requests of one loop turn (store/running/shared_reads.py), on SQLite
and PostgreSQL: each request gets its own keys' rows under its own scope, one statement and one
connection serve them all, a failure reaches each as its own error, a cancelled request leaves
the others' statement running, and requests in different places never share."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.engine import create_engine
from store.reads.account_metrics import AccountWithMetrics, accounts_with_metrics
from store.reads.entities import MetricFilter
from store.running import shielded
from store.running.reader import Reader, reader_for
from store.running.routing import PlaceState, ReadRouter, RequestReader
from store.scope import INTERNAL, Role, Scope
from tests.api_client import StatementCounter
from tests.factories import Seed

MONTH = MetricFilter()
NORTH = Scope(Role.APP, app_id="north")
SOUTH = Scope(Role.APP, app_id="south")
ACCOUNTS = {"n-1": "north", "n-2": "north", "s-1": "south", "s-2": "south"}


async def seed(engine: AsyncEngine) -> None:
    data = Seed()
    data.definition("revenue", "EUR")
    for number, (account, app) in enumerate(ACCOUNTS.items()):
        data.account(account, app=app)
        data.metric("account", account, "revenue", "2023-12-01", str(number + 1))
    await data.write(engine)


@pytest.fixture
async def seeded(engine: AsyncEngine) -> AsyncEngine:
    """The four accounts, written once for every example of a hypothesis test."""
    await seed(engine)
    return engine


def query_under(
    scope: Scope, reads: list[int]
) -> Callable[[AsyncConnection, Sequence[str]], Awaitable[dict[str, AccountWithMetrics]]]:
    async def query(connection: AsyncConnection, ids: Sequence[str]) -> dict[str, Any]:
        reads.append(len(ids))
        return await accounts_with_metrics(
            connection, account_ids=ids, metric_filter=MONTH, scope=scope
        )

    return query


async def request(
    reader: Reader, scope: Scope, ids: Sequence[str], reads: list[int]
) -> Mapping[str, AccountWithMetrics]:
    """What one request's DataLoader batch does: the read in a task of its own that nothing
    cancels, the request tracking its reads and settling them before it answers."""
    tracked = shielded.RequestReads()

    async def batch() -> Mapping[str, AccountWithMetrics]:
        return await reader.read_keys(
            ("accounts_with_metrics", scope, MONTH), ids, query_under(scope, reads)
        )

    with tracked.tracking():
        found = await asyncio.shield(asyncio.ensure_future(shielded.in_own_task(batch)()))
    await tracked.settle()
    return found


def sharing_reader(engine: AsyncEngine) -> Reader:
    reader = reader_for(engine)
    reader.share_statements()  # PostgreSQL's reader shares already; SQLite's, for the test
    return reader


def counted(engine: AsyncEngine) -> StatementCounter:
    from sqlalchemy import event

    counter = StatementCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    return counter


async def test_the_requests_of_one_turn_share_one_statement_and_get_their_own_rows(
    engine: AsyncEngine,
) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    statements = counted(engine)
    reads: list[int] = []
    asked = [["n-1"], ["n-2"], ["n-1", "n-2"], ["n-2"]]
    found = await asyncio.gather(*(request(reader, NORTH, ids, reads) for ids in asked))
    for ids, answer in zip(asked, found, strict=True):
        assert sorted(answer) == sorted(ids)
        assert all(answer[account][0].account_id == account for account in ids)
    # One read (one connection) and one statement for the four requests, not four of each.
    assert reads == [2]
    assert statements.count == 1
    assert reader.shares is not None
    assert reader.shares.joined == 3


async def test_a_request_alone_reads_at_once_as_before(engine: AsyncEngine) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    statements = counted(engine)
    reads: list[int] = []
    found = await request(reader, NORTH, ["n-1"], reads)
    assert list(found) == ["n-1"]
    assert (reads, statements.count) == ([1], 1)
    assert reader.shares is not None
    assert reader.shares.statements == reader.shares.joined == 0  # no turn waited


async def test_no_turn_is_waited_when_every_other_request_has_started_its_reads(
    engine: AsyncEngine,
) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    assert reader.shares is not None
    reads: list[int] = []
    other = shielded.RequestReads()
    running = asyncio.Event()
    with other.tracking():
        # Another request being executed, its read under way: it will not come to join.
        busy = asyncio.ensure_future(running.wait())
        shielded.track(busy)
        assert shielded.requests_executing() == 1
        found = await request(reader, NORTH, ["n-1"], reads)
        assert reader.shares.statements == 0  # read at once, no share opened
        # The same with a request that has not started any read yet: a turn is waited for it.
        starting = shielded.RequestReads()
        starting.__enter__()
        try:
            found_again = await request(reader, NORTH, ["n-2"], reads)
        finally:
            starting.__exit__(None, None, None)
        running.set()
        await busy
    await other.settle()
    assert list(found) == ["n-1"]
    assert list(found_again) == ["n-2"]
    assert (reader.shares.statements, reader.shares.alone, reader.shares.joined) == (1, 1, 0)
    assert reads == [1, 1]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from([NORTH, SOUTH, INTERNAL, Scope(Role.ACCOUNT, account_id="s-1")]),
            st.lists(st.sampled_from([*ACCOUNTS, "missing"]), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=6,
    )
)
async def test_each_request_gets_what_it_would_read_alone_under_its_own_scope(
    seeded: AsyncEngine, requests: list[tuple[Scope, list[str]]]
) -> None:
    engine = seeded
    reader = sharing_reader(engine)
    reads: list[int] = []
    together = await asyncio.gather(*(request(reader, s, ids, reads) for s, ids in requests))
    scopes = {scope for scope, _ids in requests}
    # No more statements than scopes: never one statement for two scopes' keys.
    assert len(reads) == (1 if len(requests) == 1 else len(scopes))
    for (scope, ids), answer in zip(requests, together, strict=True):
        alone = await accounts_alone(engine, scope, ids)
        assert answer == alone
        assert all(
            scope.role is Role.INTERNAL
            or (scope.role is Role.APP and ACCOUNTS[account] == scope.app_id)
            or account == scope.account_id
            for account in answer
        )


async def accounts_alone(
    engine: AsyncEngine, scope: Scope, ids: Sequence[str]
) -> Mapping[str, AccountWithMetrics]:
    async with engine.connect() as connection:
        return await accounts_with_metrics(
            connection, account_ids=ids, metric_filter=MONTH, scope=scope
        )


async def test_a_failed_shared_statement_fails_each_request_with_its_own_error(
    engine: AsyncEngine,
) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    reads: list[int] = []
    async with engine.begin() as connection:
        await connection.execute(text("ALTER TABLE metric_definition RENAME TO definition_away"))
    try:
        outcomes = await asyncio.gather(
            *(request(reader, NORTH, [account], reads) for account in ("n-1", "n-2", "n-1")),
            return_exceptions=True,
        )
    finally:
        async with engine.begin() as connection:
            await connection.execute(
                text("ALTER TABLE definition_away RENAME TO metric_definition")
            )
    assert reads == [2]  # one statement, which failed
    assert all(isinstance(outcome, DBAPIError) for outcome in outcomes)
    assert len({id(outcome) for outcome in outcomes}) == 3  # each request its own object
    messages = {str(outcome).splitlines()[0] for outcome in outcomes}
    assert len(messages) == 1
    assert "metric_definition" in messages.pop()
    # The pool's connections all came back: the next requests read as before.
    found = await asyncio.gather(*(request(reader, NORTH, ["n-1"], reads) for _ in range(2)))
    assert [list(answer) for answer in found] == [["n-1"], ["n-1"]]


async def test_a_cancelled_request_leaves_the_statement_it_shared_running(
    engine: AsyncEngine, database_url: str
) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    assert reader.shares is not None
    reads: list[int] = []
    blocker = create_engine(database_url)
    try:
        async with blocker.connect() as holding:
            if engine.dialect.name == "postgresql":
                # The statement waits for this lock: cancel while it is in flight.
                transaction = await holding.begin()
                await holding.execute(text("LOCK TABLE metric_definition IN ACCESS EXCLUSIVE MODE"))
            leader = asyncio.ensure_future(request(reader, NORTH, ["n-1"], reads))
            joiner = asyncio.ensure_future(request(reader, NORTH, ["n-2"], reads))
            async with asyncio.timeout(10):
                while reader.shares.joined == 0:  # noqa: ASYNC110  # a counter, no event
                    await asyncio.sleep(0)
            # The leader's request is cancelled (its deadline, its client gone) once the
            # other has joined its statement, while the statement is waited for.
            leader.cancel()
            if engine.dialect.name == "postgresql":
                await asyncio.sleep(0.2)
                assert not joiner.done()
                await transaction.rollback()
            found = await joiner
    finally:
        await blocker.dispose()
    assert list(found) == ["n-2"]
    assert found["n-2"][1][0].value == 2
    with pytest.raises(asyncio.CancelledError):
        await leader
    assert reads == [2]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_requests_pinned_to_different_places_never_share(
    engine: AsyncEngine, database_url: str
) -> None:
    await seed(engine)
    # A second engine stands for a standby: the router's places, each with its reader.
    other = create_engine(database_url)
    try:
        router = ReadRouter(engine, [other], max_lag=30.0, check_interval=0.1)
        (standby,) = router.standbys
        standby.state = PlaceState.IN_ROTATION
        readers = [router.request_reader() for _ in range(4)]
        readers += [RequestReader(router, router.primary) for _ in range(2)]
        places = [reader.place for reader in readers]
        assert standby in places
        assert router.primary in places
        on_primary, on_standby = counted(engine), counted(other)
        reads: list[int] = []
        found = await asyncio.gather(
            *(request(reader, NORTH, [f"n-{n % 2 + 1}"], reads) for n, reader in enumerate(readers))
        )
        assert [list(answer) for answer in found] == [[f"n-{n % 2 + 1}"] for n in range(6)]
        # One statement in each place, each answering only the requests pinned there.
        assert on_primary.count == 1
        assert on_standby.count == 1
        assert sorted(reads) == [2, 2]
    finally:
        await other.dispose()


async def test_a_joined_read_whose_leader_is_cancelled_reads_alone(engine: AsyncEngine) -> None:
    # Nothing cancels a DataLoader batch but a server shutting down; a joined request must
    # still get its rows, not a cancellation of a statement it did not start.
    await seed(engine)
    reader = sharing_reader(engine)
    assert reader.shares is not None
    reads: list[int] = []

    batches: dict[str, asyncio.Task[Mapping[str, AccountWithMetrics]]] = {}

    async def one_request(account: str) -> Mapping[str, AccountWithMetrics]:
        async def read() -> Mapping[str, AccountWithMetrics]:
            return await reader.read_keys(
                ("accounts_with_metrics", NORTH, MONTH), [account], query_under(NORTH, reads)
            )

        with shielded.RequestReads().tracking():
            batch = batches[account] = asyncio.ensure_future(shielded.in_own_task(read)())
            return await asyncio.shield(batch)

    leading = asyncio.ensure_future(one_request("n-1"))
    joining = asyncio.ensure_future(one_request("n-2"))
    async with asyncio.timeout(10):
        while reader.shares.joined == 0:  # noqa: ASYNC110  # a counter, no event
            await asyncio.sleep(0)
    batches["n-1"].cancel()
    found = await joining
    with pytest.raises(asyncio.CancelledError):
        await leading
    assert list(found) == ["n-2"]
    assert reads == [1]  # the joiner's own read; the leader's statement never ran


def _a_request_left_in_a_closed_loop() -> tuple[Coroutine[Any, Any, None], asyncio.Task[None]]:
    """A request being executed, its reads not started, in an event loop closed under it (a
    test's loop, a TestClient's thread, a server stopped mid-request): its coroutine stays
    suspended inside `RequestReads.tracking()` for as long as something holds it."""
    loop = asyncio.new_event_loop()

    async def request_never_answered() -> None:
        with shielded.RequestReads().tracking():
            await loop.create_future()

    coroutine = request_never_answered()
    task = loop.create_task(coroutine)
    loop.run_until_complete(asyncio.sleep(0))  # one turn: the request enters tracking()
    loop.close()
    assert not task.done()
    return coroutine, task


async def test_a_loop_closed_under_a_request_leaves_no_count_for_the_next_loop(
    engine: AsyncEngine,
) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    assert reader.shares is not None
    reads: list[int] = []
    # Another thread, for its own loop: one loop cannot run inside another's task.
    stuck, task = await asyncio.to_thread(_a_request_left_in_a_closed_loop)
    try:
        # Alone in this loop, a request reads at once: it waits no turn for the request of
        # the closed loop, which will never read (counted per process, it did: the failure
        # in the whole suite).
        found = await request(reader, NORTH, ["n-1"], reads)
        assert list(found) == ["n-1"]
        assert reader.shares.statements == 0
        current = shielded.RequestReads()
        with current.tracking():
            assert shielded.requests_executing() == 1
            assert shielded.others_starting() == 0
            # The stuck request's exit, run here when its coroutine is closed (as the garbage
            # collector would), takes its count off its own loop's counts, not this loop's.
            stuck.close()
            assert shielded.requests_executing() == 1
            assert shielded.others_starting() == 0
        # And two requests of this loop still share their statement.
        together = await asyncio.gather(
            *(request(reader, NORTH, [a], reads) for a in ["n-1", "n-2"])
        )
        assert [list(answer) for answer in together] == [["n-1"], ["n-2"]]
        assert (reader.shares.statements, reader.shares.joined) == (1, 1)
        assert reads == [1, 2]
    finally:
        stuck.close()
        # Its loop is closed: it stays pending; no "destroyed but pending" log for it.
        task._log_destroy_pending = False  # type: ignore[attr-defined]


async def test_a_read_started_after_its_request_ended_leaves_the_counts_right(
    engine: AsyncEngine,
) -> None:
    await seed(engine)
    reader = sharing_reader(engine)
    assert reader.shares is not None
    reads: list[int] = []
    ended = shielded.RequestReads()
    gate = asyncio.Event()

    async def late_read() -> Mapping[str, AccountWithMetrics]:
        await gate.wait()
        return await shielded.shield(accounts_alone(engine, NORTH, ["n-1"]))

    with ended.tracking():
        # A task started for the request (it inherits the request's reads) that reads only
        # after the request has ended (its deadline, say): its exit counted it off already.
        late = asyncio.ensure_future(late_read())
    gate.set()
    assert list(await late) == ["n-1"]
    await ended.settle()
    other = shielded.RequestReads()
    running = asyncio.Event()
    with other.tracking():
        busy = asyncio.ensure_future(running.wait())
        shielded.track(busy)  # another request, its reads started: nobody comes to join
        found = await request(reader, NORTH, ["n-2"], reads)
        running.set()
        await busy
    await other.settle()
    assert list(found) == ["n-2"]
    assert reader.shares.statements == 0  # read at once (counted twice off, it waited a turn)
