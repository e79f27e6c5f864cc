"""Reads routed to a real streaming standby of the test PostgreSQL (tests/standby.py): one place
per request, lag measured against the primary, a standby that goes away and comes back."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.engine import create_engine
from store.running.routing import (
    STANDBY_CONNECT_TIMEOUT,
    PlaceState,
    PrimaryPositions,
    ReadPlace,
    ReadPlaceLost,
    ReadRouter,
    RequestReader,
    is_unreachable,
    parse_lsn,
    wal_size,
)
from tests.factories import Seed
from tests.standby import StandbyServer
from tests.tcp_relay import TcpRelay

# A port of this suite's range for a server that never answers.
FROZEN_PORT = 18931

# The `engine` fixture on PostgreSQL only: standbys stream from PostgreSQL.
on_postgres = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


async def in_recovery(connection: AsyncConnection) -> bool:
    """True on a standby, False on the primary: which server ran the read."""
    return bool(await connection.scalar(text("SELECT pg_is_in_recovery()")))


@pytest.fixture
async def standby_engine(standby: StandbyServer) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(standby.url)
    yield engine
    await engine.dispose()


def make_router(
    primary: AsyncEngine, *standbys: AsyncEngine, max_lag: float = 30.0, interval: float = 0.1
) -> ReadRouter:
    return ReadRouter(primary, standbys, max_lag=max_lag, check_interval=interval)


async def until(
    router: ReadRouter, place: ReadPlace, state: PlaceState, *, within: float = 120.0
) -> None:
    """Checks the standbys every interval until `place` is in `state`.

    A standby started again replays the WAL the primary wrote meanwhile before it is back in
    rotation: on a machine whose other databases write a lot (load average 13, 90 MB of WAL in
    the seconds it was down) that took over 30 s. The wait ends as soon as the state is reached."""
    async with asyncio.timeout(within):
        while True:
            await router.check()
            if place.state is state:
                return
            await asyncio.sleep(router.check_interval)


def reader_on(router: ReadRouter, place: ReadPlace) -> RequestReader:
    """The reader of the next request the rotation pins to `place`."""
    while (reader := router.request_reader()).place is not place:
        pass
    return reader


async def write_something(engine: AsyncEngine, account_id: str) -> None:
    seed = Seed()
    seed.account(account_id)
    await seed.write(engine)


@on_postgres
async def test_a_standby_that_keeps_up_serves_every_read_of_its_requests(
    engine: AsyncEngine, standby_engine: AsyncEngine
) -> None:
    router = make_router(engine, standby_engine)
    (place,) = router.standbys
    assert place.state is PlaceState.UNCHECKED
    # Before a check says it keeps up, the primary serves.
    assert router.pick() is router.primary
    await until(router, place, PlaceState.IN_ROTATION)
    assert place.lag_seconds is not None
    assert place.lag_seconds <= router.max_lag
    reader = router.request_reader()
    assert reader.place is place
    assert await asyncio.gather(*(reader.read(in_recovery) for _ in range(5))) == [True] * 5


@on_postgres
async def test_requests_take_turns_over_the_standbys_in_rotation(
    engine: AsyncEngine, standby: StandbyServer
) -> None:
    first, second = create_engine(standby.url), create_engine(standby.url)
    try:
        router = make_router(engine, first, second)
        for place in router.standbys:
            await until(router, place, PlaceState.IN_ROTATION)
        picked = [router.request_reader().place.name for _ in range(4)]
        assert sorted(picked) == ["standby1", "standby1", "standby2", "standby2"]
        assert picked[0] != picked[1]
    finally:
        await first.dispose()
        await second.dispose()


@on_postgres
async def test_a_lagging_standby_leaves_the_rotation_until_it_catches_up(
    engine: AsyncEngine, standby_engine: AsyncEngine, standby: StandbyServer
) -> None:
    router = make_router(engine, standby_engine, max_lag=0.6, interval=0.1)
    (place,) = router.standbys
    await until(router, place, PlaceState.IN_ROTATION)
    await standby.pause_replay()
    try:
        await write_something(engine, "written-while-paused")
        await until(router, place, PlaceState.LAGGING)
        assert place.reason is not None
        assert "behind the primary" in place.reason
        reader = router.request_reader()
        assert reader.place is router.primary
        assert await reader.read(in_recovery) is False
    finally:
        await standby.resume_replay()
    await until(router, place, PlaceState.IN_ROTATION)
    assert router.request_reader().place is place


@on_postgres
async def test_a_standby_far_behind_shows_a_lag_that_grows_past_the_samples_kept_whole(
    engine: AsyncEngine, standby_engine: AsyncEngine, standby: StandbyServer
) -> None:
    # max_lag 0.6 s at 0.1 s: the newest 9 samples (0.9 s) are kept whole, older ones thinned.
    router = make_router(engine, standby_engine, max_lag=0.6, interval=0.1)
    (place,) = router.standbys
    await until(router, place, PlaceState.IN_ROTATION)
    await standby.pause_replay()
    try:
        await write_something(engine, "written-while-paused")
        written = asyncio.get_running_loop().time()
        lags: list[float | None] = []
        while asyncio.get_running_loop().time() - written < 3.0:
            await asyncio.sleep(router.check_interval)
            await router.check()
            lags.append(place.lag_seconds)
        assert place.state is PlaceState.LAGGING
        # Dated all along, growing as the standby falls behind: not stuck at the samples kept.
        known = [lag for lag in lags if lag is not None]
        assert len(known) >= len(lags) - 1, lags
        assert known == sorted(known)
        assert 2.5 <= known[-1] <= 3.0 * (1 + PrimaryPositions.SPARSE_GAP) + 0.2, lags
        status = place.status()
        assert status["lag_seconds"] == round(known[-1], 3)
        assert re.fullmatch(
            r"\d+\.\d s behind the primary, \d+(\.\d)? (bytes|kB|MB) of WAL to replay "
            r"\(at most 0\.6 s allowed\)",
            status["reason"],
        ), status["reason"]
        # A server that starts checking while its standby is behind says so, without a lag.
        fresh = make_router(engine, standby_engine, max_lag=0.6, interval=0.1)
        await fresh.check()
        (first_check,) = fresh.standbys
        assert first_check.state is PlaceState.LAGGING
        assert first_check.lag_seconds is None
        assert re.fullmatch(
            r"not caught up with the primary yet, \d+(\.\d)? (bytes|kB|MB) of WAL to replay",
            first_check.reason or "",
        ), first_check.reason
    finally:
        await standby.resume_replay()
    await until(router, place, PlaceState.IN_ROTATION)


@on_postgres
async def test_a_frozen_standby_is_down_with_a_reason_that_says_so(engine: AsyncEngine) -> None:
    # A server that accepts connections and never answers: the kernel completes the handshake.
    with socket.socket() as frozen:
        frozen.bind(("127.0.0.1", FROZEN_PORT))
        frozen.listen(8)
        silent = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{FROZEN_PORT}/none")
        try:
            router = make_router(engine, silent)
            await router.check()
            (place,) = router.standbys
            assert place.state is PlaceState.DOWN
            assert place.reason == (
                f"did not answer a check within {STANDBY_CONNECT_TIMEOUT:g} s (a frozen "
                "server, or a network that stopped carrying its packets)"
            )
        finally:
            await silent.dispose()


@on_postgres
async def test_an_idle_primary_does_not_make_its_standby_look_late(
    engine: AsyncEngine, standby_engine: AsyncEngine
) -> None:
    # The server is shared: other writers may run, but what they write is replayed at once.
    router = make_router(engine, standby_engine, max_lag=1.0, interval=0.2)
    (place,) = router.standbys
    await until(router, place, PlaceState.IN_ROTATION)
    states = []
    for _ in range(10):  # twice the lag allowed
        await asyncio.sleep(router.check_interval)
        await router.check()
        states.append(place.state)
    assert states.count(PlaceState.IN_ROTATION) >= 8, states


@on_postgres
async def test_a_request_whose_standby_stops_moves_to_the_primary_and_it_comes_back(
    engine: AsyncEngine, standby_engine: AsyncEngine, standby: StandbyServer
) -> None:
    router = make_router(engine, standby_engine)
    (place,) = router.standbys
    await until(router, place, PlaceState.IN_ROTATION)
    # A pooled connection to the standby, so that the read below finds it dead.
    assert await router.request_reader().read(in_recovery) is True
    reader = router.request_reader()
    assert reader.place is place
    standby.stop()
    try:
        # Nothing of the standby was used yet: the request moves, whole, to the primary.
        assert await reader.read(in_recovery) is False
        assert reader.place is router.primary
        assert place.state is PlaceState.DOWN
        await router.check()
        assert place.state is PlaceState.DOWN
        assert router.request_reader().place is router.primary
    finally:
        standby.start()
    await until(router, place, PlaceState.IN_ROTATION)
    assert await router.request_reader().read(in_recovery) is True


@on_postgres
async def test_a_request_whose_standby_goes_away_moves_to_another_standby_not_the_primary(
    engine: AsyncEngine, standby_engine: AsyncEngine, standby: StandbyServer
) -> None:
    # Two standbys: the real one through a relay that can be cut off, and the real one direct.
    relay = TcpRelay("127.0.0.1", standby.port)
    await relay.open()
    relayed = create_engine(
        make_url(standby.url).set(port=relay.port).render_as_string(hide_password=False)
    )
    try:
        router = make_router(engine, relayed, standby_engine)
        going, staying = router.standbys
        for place in router.standbys:
            await until(router, place, PlaceState.IN_ROTATION)
        # A pooled connection through the relay, so that the read below finds it dead.
        assert await reader_on(router, going).read(in_recovery) is True
        reader = reader_on(router, going)
        await relay.cut()
        # Nothing of the first standby was used: the request moves, whole, to the other one.
        assert await reader.read(in_recovery) is True
        assert reader.place is staying
        assert going.state is PlaceState.DOWN
        assert {router.request_reader().place.name for _ in range(4)} == {staying.name}
        await relay.open()
        await until(router, going, PlaceState.IN_ROTATION)
        assert {router.request_reader().place.name for _ in range(4)} == {"standby1", "standby2"}
    finally:
        await relay.cut()
        await relayed.dispose()


@on_postgres
async def test_a_request_that_used_its_standby_is_told_to_retry_when_it_goes_away(
    engine: AsyncEngine, standby_engine: AsyncEngine, standby: StandbyServer
) -> None:
    router = make_router(engine, standby_engine)
    (place,) = router.standbys
    await until(router, place, PlaceState.IN_ROTATION)
    reader = router.request_reader()
    assert await reader.read(in_recovery) is True
    standby.stop()
    try:
        # Moving now would mix the standby's rows with the primary's.
        with pytest.raises(ReadPlaceLost, match="retry the request"):
            await reader.read(in_recovery)
        assert place.state is PlaceState.DOWN
    finally:
        standby.start()
    await until(router, place, PlaceState.IN_ROTATION)


async def replay_waits_at_most(standby: StandbyServer, delay: str) -> None:
    """Sets how long replay waits for a read that holds what it needs before cancelling it."""
    await standby.execute(f"ALTER SYSTEM SET max_standby_streaming_delay = '{delay}'")
    await standby.execute("SELECT pg_reload_conf()")
    engine = create_engine(standby.url)
    try:
        async with asyncio.timeout(10):
            while True:
                async with engine.connect() as connection:
                    shown = await connection.scalar(text("SHOW max_standby_streaming_delay"))
                if shown == delay:
                    return
                await asyncio.sleep(0.05)
    finally:
        await engine.dispose()


async def until_running_on(standby_engine: AsyncEngine, marker: str) -> None:
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE :marker"
        " AND pid <> pg_backend_pid()"
    )
    async with asyncio.timeout(30):
        while True:
            async with standby_engine.connect() as connection:
                if await connection.scalar(query, {"marker": f"%{marker}%"}):
                    return
            await asyncio.sleep(0.05)


@on_postgres
async def test_a_read_that_replay_cancels_moves_its_request_to_the_primary(
    engine: AsyncEngine, standby_engine: AsyncEngine, standby: StandbyServer
) -> None:
    await replay_waits_at_most(standby, "200ms")
    try:
        router = make_router(engine, standby_engine)
        (place,) = router.standbys
        await until(router, place, PlaceState.IN_ROTATION)
        reader = router.request_reader()

        async def slow_read(connection: AsyncConnection) -> bool:
            await connection.execute(text("SELECT count(*), pg_sleep(2) AS slow_read FROM account"))
            return await in_recovery(connection)

        reading = asyncio.ensure_future(reader.read(slow_read))
        await until_running_on(standby_engine, "slow_read FROM account")
        # A lock the standby's read holds: replay cancels the read after 200 ms.
        async with engine.begin() as connection:
            await connection.execute(text("LOCK TABLE account IN ACCESS EXCLUSIVE MODE"))
        assert await reading is False
        assert reader.place is router.primary
        assert place.state is PlaceState.IN_ROTATION
    finally:
        await replay_waits_at_most(standby, "30s")


@on_postgres
async def test_a_read_that_fails_on_a_standby_that_answers_is_not_moved(
    engine: AsyncEngine, standby_engine: AsyncEngine
) -> None:
    router = make_router(engine, standby_engine)
    (place,) = router.standbys
    await until(router, place, PlaceState.IN_ROTATION)
    reader = router.request_reader()

    async def broken(connection: AsyncConnection) -> object:
        return await connection.scalar(text("SELECT * FROM no_such_table"))

    with pytest.raises(Exception, match="no_such_table") as raised:
        await reader.read(broken)
    assert not is_unreachable(raised.value)
    assert reader.place is place
    assert place.state is PlaceState.IN_ROTATION


@on_postgres
async def test_a_server_that_is_not_in_recovery_is_not_taken_for_a_standby(
    engine: AsyncEngine, database_url: str
) -> None:
    primary_again = create_engine(database_url)
    try:
        router = make_router(engine, primary_again)
        await router.check()
        (place,) = router.standbys
        assert place.state is PlaceState.NOT_A_STANDBY
        assert router.pick() is router.primary
    finally:
        await primary_again.dispose()


@on_postgres
async def test_an_unreachable_standby_is_down_from_the_first_check(engine: AsyncEngine) -> None:
    nowhere = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    try:
        router = make_router(engine, nowhere)
        await router.check()
        (place,) = router.standbys
        assert place.state is PlaceState.DOWN
        assert place.reason is not None
        assert "Error" in place.reason
        with pytest.raises(OSError, match="Connect") as raised:
            async with nowhere.connect():
                pass
        assert is_unreachable(raised.value)
    finally:
        await nowhere.dispose()


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_a_wal_position_reads_as_its_byte_number(position: int) -> None:
    shown: Callable[[int], str] = lambda n: f"{n >> 32:X}/{n & 0xFFFFFFFF:X}"  # noqa: E731
    assert parse_lsn(shown(position)) == position


@given(
    st.lists(st.tuples(st.floats(0.01, 5.0), st.integers(0, 10**6)), min_size=1, max_size=30),
    st.integers(0, 3 * 10**7),
    st.integers(1, 40),
)
def test_a_lag_never_makes_a_standby_look_fresher_than_it_is(
    steps: list[tuple[float, int]], replayed: int, keep: int
) -> None:
    positions = PrimaryPositions(keep=keep)
    history: list[tuple[float, int]] = []
    at, position = 0.0, 0
    for gap, written in steps:  # the primary's position only grows
        at, position = at + gap, position + written
        positions.add(at, position)
        history.append((at, position))
    now = at + 0.5
    lag = positions.lag(replayed, now=now)
    kept = history[-keep:]
    if lag is None:
        assert all(replayed < written for _, written in kept)
        return
    then = now - lag
    # The standby has everything the primary had `lag` seconds ago...
    assert replayed >= max(written for sampled, written in history if sampled <= then + 1e-9)
    # ...and the samples kept give no fresher date.
    assert all(replayed < written for sampled, written in kept if sampled > then + 1e-9)


@given(
    st.lists(st.tuples(st.floats(0.01, 5.0), st.integers(0, 10**6)), min_size=1, max_size=400),
    st.integers(0, 2 * 10**8),
    st.integers(1, 12),
)
def test_a_lag_past_the_samples_kept_whole_is_late_by_a_tenth_at_most(
    steps: list[tuple[float, int]], replayed: int, keep: int
) -> None:
    positions = PrimaryPositions(keep=keep)
    history: list[tuple[float, int]] = []
    at, position = 0.0, 0
    for gap, written in steps:
        at, position = at + gap, position + written
        positions.add(at, position)
        history.append((at, position))
    now = at + 0.5
    lag = positions.lag(replayed, now=now)
    dated = [sampled for sampled, written in history if written <= replayed]
    if not dated:
        assert lag is None
        return
    # What every sample would give: the thinned ones give no fresher date, and at most a tenth
    # later (the first sample is always kept, so a standby past it always has a lag).
    exact = now - dated[-1]
    assert lag is not None
    assert exact - 1e-9 <= lag <= exact * (1 + PrimaryPositions.SPARSE_GAP) + 1e-9


def test_the_samples_kept_grow_with_the_log_of_the_time_checked() -> None:
    positions = PrimaryPositions(keep=8)
    for second in range(100_000):  # more than a day of checks every second
        positions.add(float(second), second)
    assert len(positions) < 200


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 bytes"),
        (812, "812 bytes"),
        (8_192, "8.2 kB"),
        (100_200_000, "100 MB"),
        (16_777_216, "16.8 MB"),
        (3_100_000_000, "3.1 GB"),
    ],
)
def test_wal_sizes_read_as_an_operator_reads_them(size: int, shown: str) -> None:
    assert wal_size(size) == shown
