"""One statement for the keyed reads of several requests that reach it in the same loop turn.

Under 8 concurrent clients the server is CPU-bound and several small requests are in flight at
once; their DataLoader batches often run in the same turn of the event loop, each about to send
the same statement (same scope, same filter) for its own account. A statement's own client cost
(bind, execute, the protocol's messages, the reader's path) is about as much as its ten rows'
(docs/performance.md, "What is left: the lever at 8 connections"), so one statement with the
keys unioned serves them for about the cost of one.

How a shared read goes (`TurnShares.read`):

- The first batch to ask for a sharing key leads: it opens a share under that key, lets the
  loop run one turn (the batches of the other requests of this turn join it: each adds its keys
  and waits for a future of its own), closes the share, runs the statement for every key, and
  hands each joiner the rows of its own keys only, or the error, as its own copy; when the
  database refused a value of the statement (an id it cannot hold), each request (the leader
  too) reads its own keys alone instead: one request's keys never fail another's.
- The sharing key is the caller's: it must hold everything the statement's answer depends on
  besides the keys (the scope and the filter), so that no request ever joins a statement under
  another scope (store/reads/account_metrics.py's answer for a key depends on the scope and
  the filter alone, not on the other keys). The shares are the reader's, and a reader reads
  from one place (one engine: the primary or one standby), so a request only ever joins a
  statement run where its own reads run.
- Only a batch that nothing can cancel leads or joins (a DataLoader batch,
  `shielded.in_own_task`): any other caller reads alone, as does any read while no other
  request is being executed in its event loop (counted per loop: shielded.py), or while every
  other one has started its reads already (nobody would come to join: no turn is waited for).
  So a request whose fields are cancelled (its deadline, its client gone) never cancels the
  statement the others wait for, and a joiner's wait is never cut short.
- The leader's task runs the statement: every joiner's request tracks it as one of its reads
  (`shielded.track`), so no request answers while the statement it joined still holds a
  connection.
- The leader pays one loop turn (a task step, no timer) even when nobody joins (about 2% of
  a small request's instructions: docs/performance.md); a request alone (1 connection) does
  not wait it."""

from __future__ import annotations

import asyncio
import copy
import types
from collections.abc import Awaitable, Callable, Generator, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from store.running import shielded
from store.running.error_causes import causes

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Reads the keys given, on the reader's own path: what every request would run alone.
ReadKeys = Callable[[Sequence[K]], Awaitable[Mapping[K, V]]]


class _Joiner(Generic[K, V]):
    __slots__ = ("future", "keys")

    def __init__(self, keys: Sequence[K], future: asyncio.Future[Mapping[K, V] | None]) -> None:
        self.keys = keys
        self.future = future


class _Share(Generic[K, V]):
    """One statement's keys, collected during the leader's turn."""

    __slots__ = ("joiners", "keys", "leader", "union")

    def __init__(self, keys: Sequence[K], leader: asyncio.Task[Any]) -> None:
        self.keys = keys  # the leader's
        self.union: dict[K, None] | None = None  # every request's, once another joins
        self.joiners: list[_Joiner[K, V]] = []
        self.leader = leader


@types.coroutine
def _next_turn() -> Generator[None, None, None]:
    """Let the event loop run one turn (asyncio.sleep(0) without its own frame)."""
    yield


class TurnShares:
    """The open shares of one reader (one place), by sharing key."""

    __slots__ = ("_open", "alone", "joined", "statements")

    def __init__(self) -> None:
        self._open: dict[Hashable, _Share[Any, Any]] = {}
        # Counters, for the benchmark and the tests: statements run through `read`, those of
        # them that nobody joined, and the reads that joined one instead of running their own.
        self.statements = 0
        self.alone = 0
        self.joined = 0

    def worth_waiting(self) -> bool:
        """Whether the caller may share: it runs where nothing cancels it, and another request
        is being executed (alone, as at 1 connection, nobody would join: no turn is waited)."""
        current = asyncio.current_task()
        return (
            current is not None
            and shielded.requests_executing() > 1
            and shielded.uncancellable(current)
        )

    async def read(
        self, share: Hashable, keys: Sequence[K], read_keys: ReadKeys[K, V]
    ) -> Mapping[K, V]:
        """The part for `keys` of one run of `read_keys` for the keys of every request that
        asked for `share` in this turn. Only for a caller `worth_waiting` says may share."""
        current = asyncio.current_task()
        assert current is not None  # worth_waiting
        found = self._open.get(share)
        if found is not None:
            part = await self._join(found, keys)
            if part is not None:
                return part
            # The leader was cancelled before its statement answered (a server shutting down:
            # nothing else cancels a DataLoader batch), or the statement of every request's
            # keys failed: read alone, as without sharing.
            return await read_keys(keys)
        if not shielded.others_starting():
            # Every other request has started its reads: nobody is coming to join.
            return await read_keys(keys)
        opened: _Share[K, V] = _Share(keys, current)
        self._open[share] = opened
        joiners = opened.joiners
        try:
            try:
                await _next_turn()  # this turn's other batches join
            finally:
                del self._open[share]  # only its leader takes a share out
            self.statements += 1
            if not joiners:
                self.alone += 1
                return await read_keys(keys)
            found_all = await read_keys(list(opened.union or keys))
        except asyncio.CancelledError:
            for joiner in joiners:
                if not joiner.future.done():
                    joiner.future.set_result(None)
            raise
        except Exception as error:
            if not joiners or not _refused_a_value(error):
                _fail_joiners(joiners, error)
                raise
            # The database refused a value of the statement (an id PostgreSQL cannot hold,
            # say): one request's keys, and one request's keys must never fail another's. Each
            # reads its own keys alone, as it would have without sharing, and fails (or not)
            # on its own. (Any other failure, a lost server say, is every request's: each
            # gets it at once, and moves or fails as its reader decides.)
            for joiner in joiners:
                if not joiner.future.done():
                    joiner.future.set_result(None)
            return await read_keys(keys)
        except BaseException as error:
            _fail_joiners(joiners, error)
            raise
        for joiner in joiners:
            if not joiner.future.done():
                joiner.future.set_result(_part(found_all, joiner.keys))
        return _part(found_all, keys)

    def _join(self, share: _Share[K, V], keys: Sequence[K]) -> asyncio.Future[Mapping[K, V] | None]:
        """A future of the rows of `keys` from the share's statement (None: read alone)."""
        future: asyncio.Future[Mapping[K, V] | None] = share.leader.get_loop().create_future()
        union = share.union
        if union is None:
            union = share.union = dict.fromkeys(share.keys)
        union.update(dict.fromkeys(keys))
        share.joiners.append(_Joiner(keys, future))
        self.joined += 1
        # The statement runs in the leader's task: this request's reads include it.
        shielded.track(share.leader)
        return future


def _fail_joiners(joiners: Sequence[_Joiner[Any, Any]], error: BaseException) -> None:
    for joiner in joiners:
        if not joiner.future.done():
            joiner.future.set_exception(_own_copy(error))


# SQLSTATE class 22, data exception: a value the statement was given does not fit (a NUL in
# text, an invalid number), whatever the tables hold.
_DATA_EXCEPTION = "22"


def _refused_a_value(error: BaseException) -> bool:
    """Whether the database refused a value of the statement (one request's keys may be it)."""
    return any(
        isinstance(state := getattr(cause, "sqlstate", None), str)
        and state.startswith(_DATA_EXCEPTION)
        for cause in causes(error)
    )


def _part(found: Mapping[K, V], keys: Sequence[K]) -> dict[K, V]:
    """The rows of `keys` alone: a request never sees another request's keys."""
    return {key: found[key] for key in keys if key in found}


def _own_copy(error: BaseException) -> BaseException:
    """A copy of `error` for one joiner: each request raises, logs and marks its own object
    (a traceback grows as it is raised; routing marks a lost connection's error), as it would
    had it read alone. Its cause and context are kept: the standard error's code comes from
    them."""
    try:
        own = copy.copy(error)
    except Exception:  # an exception type that cannot be rebuilt from its arguments
        return error
    own.__cause__ = error.__cause__
    own.__context__ = error.__context__
    own.__suppress_context__ = error.__suppress_context__
    return own
