"""Where a request's reads run when PostgreSQL standbys serve them: one place per request.

A `ReadRouter` holds the primary (DATABASE_URL) and the standbys (DATABASE_READ_URL). Each
request takes a `RequestReader` from it, pinned to one place: the next standby in rotation
(round robin), or the primary when no standby is in rotation. Every read of the request runs
there, so an answer never mixes a standby's older state with the primary's.

A standby leaves the rotation when
- it is more than `max_lag` seconds behind the primary, as measured by `check` (which
  `running` repeats every `check_interval` seconds); it comes back once it has caught up;
- a read or a check cannot reach it (refused, lost, shutting down, starting up): it is marked
  down, and the next check puts it back if it answers and has caught up;
- it is not in recovery (DATABASE_READ_URL names a server that is not a standby).

A request whose standby cannot be reached before any of its reads has returned moves to the
next standby in rotation, or to the primary when none is left, and runs its reads there:
nothing of the standby was used, and the other standbys keep the primary free of the reads. One
whose read the standby cancels for a conflict with replay before any returned moves to the
primary, which replay cannot cancel (the standby stays in rotation). One
that has already used rows of the standby cannot move without mixing two databases: the failed
read raises `ReadPlaceLost`, whose message tells the client to retry (the retry is served
elsewhere), or the conflict's own error.

The lag: each check samples the primary's WAL position (`pg_current_wal_lsn()`), then each
standby's replayed position (`pg_last_wal_replay_lsn()`). A standby's lag is the age of the
newest sample it has replayed: 0 when it has replayed all the primary had, so an idle primary
shows no lag (a replay timestamp would age on an idle primary). The measure errs late by at
most one interval. While the primary cannot be sampled, the standbys that answer keep their
state: no write can put them behind."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from time import monotonic
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.engine import shown_url
from store.running.error_causes import causes
from store.running.reader import KeysQuery, Query, Reader, RowsOfKeys, reader_for

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
logger = logging.getLogger("profiling.routing")

# How long a new connection to a standby may take before the standby counts as down: a
# standby behind a dead network never refuses, it only stops answering.
STANDBY_CONNECT_TIMEOUT = 2.0
# SQLSTATEs of a server that is going away or not there yet: connection exceptions (class
# 08), administrator or crash shutdown, and "the database system is starting up".
_UNREACHABLE_STATES = ("57P01", "57P02", "57P03")
# What a standby answers a read that replay cancelled ("canceling statement due to conflict
# with recovery"); our reads only read (in autocommit, or in a read-only REPEATABLE READ
# transaction), so they never see a serialization failure otherwise.
_RECOVERY_CONFLICT_STATES = {"40001", "40P01"}


class PlaceState(StrEnum):
    IN_ROTATION = "in_rotation"
    LAGGING = "lagging"
    DOWN = "down"
    NOT_A_STANDBY = "not_a_standby"
    UNCHECKED = "unchecked"


class ReadPlaceLost(Exception):
    """The standby of a request went away after the request had used some of its rows."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"The database serving this request ({name}) went away while the request was "
            "reading: retry the request, another database will serve it"
        )


@dataclass(eq=False)
class ReadPlace:
    """A database that can serve a request's reads, and what the last check found."""

    name: str
    engine: AsyncEngine
    reader: Reader
    state: PlaceState
    lag_seconds: float | None = None
    reason: str | None = None

    def status(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": shown_url(self.engine.url),
            "state": self.state.value,
            "lag_seconds": None if self.lag_seconds is None else round(self.lag_seconds, 3),
            "reason": self.reason,
        }

    def set(self, state: PlaceState, reason: str | None, lag: float | None = None) -> None:
        if state is not self.state:
            level = logging.INFO if state is PlaceState.IN_ROTATION else logging.WARNING
            logger.log(level, "%s: %s -> %s (%s)", self.name, self.state, state, reason or "ok")
        self.state, self.reason, self.lag_seconds = state, reason, lag


def _sqlstates(error: BaseException) -> set[str]:
    states = (getattr(cause, "sqlstate", None) for cause in causes(error))
    return {state for state in states if isinstance(state, str)}


def is_unreachable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) says the server cannot be reached, as opposed to a
    read that failed on a server that answers."""
    for cause in causes(error):
        # OSError covers refused and reset connections, and a connect that timed out.
        if isinstance(cause, OSError) or "connection is closed" in str(cause):
            return True
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
    return any(
        state.startswith("08") or state in _UNREACHABLE_STATES for state in _sqlstates(error)
    )


def is_recovery_conflict(error: BaseException) -> bool:
    """Whether a standby cancelled the read because replay needed what it held (a lock, rows a
    vacuum removed): the read itself was fine, and runs as well elsewhere."""
    return bool(_sqlstates(error) & _RECOVERY_CONFLICT_STATES)


def _one_line(error: BaseException) -> str:
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if not first:
        # A timeout (asyncio.timeout's TimeoutError) carries no message of its own.
        first = "no answer in time" if isinstance(error, TimeoutError) else "no message"
    return f"{type(error).__name__}: {first}"[:200]


def parse_lsn(lsn: str) -> int:
    """A WAL position as PostgreSQL prints it (`16/B374D848`) as one number of bytes."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


class PrimaryPositions:
    """Samples of the primary's WAL position, each with the time it was read, and the lag they
    give a standby's replayed position.

    The newest `keep` samples are all kept: they date every lag up to the lag allowed to within
    one interval, which decides the rotation. Older ones are thinned as they age, so that a
    standby far behind still gets a lag that grows as it falls behind, in bounded memory: two
    samples kept next to each other are never further apart than `SPARSE_GAP` times the age of
    the newer one, so a lag past the newest samples is measured late by at most that share of
    it (and never early). The first sample is always kept: a standby that has replayed none of
    the samples is behind by more than its age."""

    # A lag dated by the older samples is late by at most a tenth: about 150 samples span a
    # day of checks every second, and each tenfold longer span adds about 25.
    SPARSE_GAP = 0.1

    def __init__(self, *, keep: int) -> None:
        self._keep = keep
        self._samples: list[tuple[float, int]] = []

    def add(self, at: float, position: int) -> None:
        self._samples.append((at, position))
        self._thin(now=at)

    def _thin(self, *, now: float) -> None:
        older = len(self._samples) - self._keep
        if older < 3:
            return
        kept = [self._samples[0]]
        for index in range(1, older - 1):
            newer_at = self._samples[index + 1][0]
            # Without this sample, its neighbours would still be close enough for their age.
            if newer_at - kept[-1][0] > self.SPARSE_GAP * (now - newer_at):
                kept.append(self._samples[index])
        self._samples[: older - 1] = kept

    def __len__(self) -> int:
        return len(self._samples)

    def oldest_time(self, *, default: float) -> float:
        return self._samples[0][0] if self._samples else default

    def latest_position(self) -> int | None:
        return self._samples[-1][1] if self._samples else None

    def lag(self, replayed: int, *, now: float) -> float | None:
        """The age of the newest sample the standby has replayed (it had everything the
        primary had then); None when it has replayed none of them."""
        for sampled_at, position in reversed(self._samples):
            if position <= replayed:
                return now - sampled_at
        return None


def wal_size(size: int) -> str:
    """A quantity of WAL as an operator reads it: `812 kB`, `100.2 MB`, `3.1 GB`."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}" if size < 100 * scale else f"{size // scale} {unit}"
    return f"{size} bytes"


class RequestReader(Reader):
    """The reader of one request: every read runs in one place (see the module's text)."""

    def __init__(self, router: ReadRouter, place: ReadPlace) -> None:
        super().__init__(place.engine)
        self._router = router
        self._place = place
        self._used = False

    @property
    def place(self) -> ReadPlace:
        """Where the request's reads run now."""
        return self._place

    async def read(
        self, query: Query[T], *, rows_at_most: int | None = None, one_snapshot: bool = True
    ) -> T:
        return await self._in_place(
            lambda reader: reader.read(query, rows_at_most=rows_at_most, one_snapshot=one_snapshot)
        )

    def read_keys(
        self,
        share: Hashable,
        keys: Sequence[K],
        query: KeysQuery[K, V],
        *,
        rows_at_most: RowsOfKeys | None = None,
    ) -> Awaitable[Mapping[K, V]]:
        # Shared (or not) by the place's own reader: a request only joins statements run in
        # its own place, and each joined request moves or fails on its own as below.
        return self._in_place(
            lambda reader: reader.read_keys(share, keys, query, rows_at_most=rows_at_most)
        )

    async def _in_place(self, read: Callable[[Reader], Awaitable[T]]) -> T:
        """`read(reader)` with the reader of the request's place, moving the request to
        another place while none of its reads has returned rows."""
        while True:
            place = self._place
            try:
                result = await read(place.reader)
            except Exception as error:
                if place is self._router.primary:
                    raise
                unreachable = is_unreachable(error)
                if unreachable:
                    self._router.mark_down(place, error)
                elif not is_recovery_conflict(error):
                    raise
                if self._place is place:
                    if self._used and unreachable:
                        raise ReadPlaceLost(place.name) from error
                    if self._used:
                        # A conflict after rows were used fails as any read: moving would mix.
                        raise
                    # The standby that went away is out of the rotation now, so `pick` gives
                    # another one, or the primary when none is left.
                    self._move_to(self._router.pick() if unreachable else self._router.primary)
                continue
            if place is not self._place:
                # The request moved while this read ran (a read beside it failed): its rows
                # must come from where the request is now.
                continue
            self._used = True
            self._router.served(place)
            return result

    async def _run(self, query: Query[T], *, one_snapshot: bool) -> T:
        return await self.read(query, one_snapshot=one_snapshot)

    def _move_to(self, place: ReadPlace) -> None:
        self._place = place
        self.engine = place.engine


class ReadRouter:
    """The primary and the standbys, their states, and the choice of a place per request."""

    def __init__(
        self,
        primary: AsyncEngine,
        standbys: Sequence[AsyncEngine],
        *,
        max_lag: float,
        check_interval: float,
        clock: Callable[[], float] = monotonic,
        driver_reads: bool = True,
    ) -> None:
        def reader(engine: AsyncEngine) -> Reader:
            return reader_for(engine, driver_reads=driver_reads)

        self.primary = ReadPlace("primary", primary, reader(primary), PlaceState.IN_ROTATION)
        self.standbys = [
            ReadPlace(f"standby{number}", engine, reader(engine), PlaceState.UNCHECKED)
            for number, engine in enumerate(standbys, start=1)
        ]
        self.max_lag = max_lag
        self.check_interval = check_interval
        self._clock = clock
        self._turn = itertools.count()
        # Every sample of the last `max_lag` seconds and a few more: they date any lag up to
        # `max_lag` to within one interval; older ones are thinned (a far-behind standby).
        self._positions = PrimaryPositions(keep=math.ceil(max_lag / check_interval) + 3)
        # Told the place of every read served (the server counts them in /metrics).
        self.on_served: Callable[[str], None] | None = None

    def pick(self) -> ReadPlace:
        serving = [place for place in self.standbys if place.state is PlaceState.IN_ROTATION]
        if not serving:
            return self.primary
        return serving[next(self._turn) % len(serving)]

    def request_reader(self) -> RequestReader:
        """The reader of a new request, pinned to one place."""
        return RequestReader(self, self.pick())

    def mark_down(self, place: ReadPlace, error: BaseException) -> None:
        if place.state is not PlaceState.DOWN:
            place.set(PlaceState.DOWN, _one_line(error))

    def served(self, place: ReadPlace) -> None:
        if self.on_served is not None:
            self.on_served(place.name)

    def status(self) -> list[dict[str, Any]]:
        """Each standby's state, for /healthz."""
        return [place.status() for place in self.standbys]

    async def check(self) -> None:
        """Measures every standby once: its reachability and its lag behind the primary."""
        primary_sampled = await self._sample_primary()
        await asyncio.gather(
            *(self._check_standby(place, primary_sampled) for place in self.standbys)
        )

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Checks once before yielding, then every `check_interval` until the block ends."""
        await self.check()
        task = asyncio.create_task(self._keep_checking())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _keep_checking(self) -> None:
        while True:
            await asyncio.sleep(self.check_interval)
            await self.check()

    @property
    def _check_timeout(self) -> float:
        return max(STANDBY_CONNECT_TIMEOUT, 2 * self.check_interval)

    async def _sample_primary(self) -> bool:
        try:
            async with asyncio.timeout(self._check_timeout):
                async with self.primary.engine.connect() as connection:
                    position = await connection.scalar(text("SELECT pg_current_wal_lsn()::text"))
        except Exception as error:  # the primary's health is /healthz's to report
            logger.warning("the primary's WAL position could not be read: %s", _one_line(error))
            return False
        self._positions.add(self._clock(), parse_lsn(str(position)))
        return True

    async def _check_standby(self, place: ReadPlace, primary_sampled: bool) -> None:
        try:
            in_recovery, replayed = await self._replay_position(place)
        except TimeoutError:
            # A frozen server, or a network that drops its packets: nothing is refused.
            place.set(
                PlaceState.DOWN,
                f"did not answer a check within {self._check_timeout:g} s (a frozen server, "
                "or a network that stopped carrying its packets)",
            )
            return
        except Exception as error:  # whatever stops a check stops reads as well
            place.set(PlaceState.DOWN, _one_line(error))
            return
        if not in_recovery or replayed is None:
            place.set(PlaceState.NOT_A_STANDBY, "not in recovery: DATABASE_READ_URL lists standbys")
            return
        if not primary_sampled:
            if place.state in (PlaceState.IN_ROTATION, PlaceState.LAGGING):
                return
            place.set(PlaceState.LAGGING, "its lag is unknown while the primary cannot be read")
            return
        now = self._clock()
        position = parse_lsn(replayed)
        lag = self._positions.lag(position, now=now)
        latest = self._positions.latest_position()
        to_replay = wal_size(max(0, (latest or position) - position))
        if lag is None:
            # Behind every sample this server has taken: more than the oldest one's age.
            oldest = now - self._positions.oldest_time(default=now)
            if oldest < self.check_interval:  # the first check: no sample is old enough
                reason = f"not caught up with the primary yet, {to_replay} of WAL to replay"
            else:
                reason = (
                    f"more than {oldest:.1f} s behind the primary, {to_replay} of WAL to "
                    f"replay (at most {self.max_lag:g} s allowed)"
                )
            place.set(PlaceState.LAGGING, reason)
        elif lag > self.max_lag:
            place.set(
                PlaceState.LAGGING,
                f"{lag:.1f} s behind the primary, {to_replay} of WAL to replay (at most "
                f"{self.max_lag:g} s allowed)",
                lag,
            )
        else:
            place.set(PlaceState.IN_ROTATION, None, lag)

    async def _replay_position(self, place: ReadPlace) -> tuple[bool, str | None]:
        # After a restart of the standby, a first try may meet a pooled connection of the
        # server that stopped; its failure empties the pool, so a second try is a fresh one.
        try:
            return await self._read_replay_position(place)
        except Exception as error:
            if not is_unreachable(error):
                raise
        return await self._read_replay_position(place)

    async def _read_replay_position(self, place: ReadPlace) -> tuple[bool, str | None]:
        query = text("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
        async with asyncio.timeout(self._check_timeout):
            async with place.engine.connect() as connection:
                in_recovery, replayed = (await connection.execute(query)).one()
        return bool(in_recovery), replayed
