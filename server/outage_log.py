"""Warnings about a dependency that is out, at most one a minute.

A store the server can do without (Redis for rate limits) fails on every request while it is
out: a warning per request would bury every other line of the log. `OutageLog` warns at the
first failure, then at most once every `every` seconds, each warning saying how many failures
it stands for, and says once when the dependency answers again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

WARNING_INTERVAL = 60.0


class OutageLog:
    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        where: str,
        consequence: str,
        *,
        every: float = WARNING_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._what = what
        self._where = where
        self._consequence = consequence
        self._every = every
        self._clock = clock
        self._warned_at: float | None = None
        self._unreported = 0
        self.out = False

    def failed(self, error: BaseException) -> None:
        """A failure: warned about unless a warning went out less than `every` seconds ago."""
        self.out = True
        self._unreported += 1
        now = self._clock()
        if self._warned_at is not None and now - self._warned_at < self._every:
            return
        count = self._unreported
        since = "" if count == 1 else f" ({count} failures since the last warning)"
        self._logger.warning(
            "%s unavailable (%s at %s): %s; next warning in %g s at the earliest%s",
            self._what,
            _one_line(error),
            self._where,
            self._consequence,
            self._every,
            since,
            extra={"error": type(error).__name__, "failures": count},
        )
        self._warned_at = now
        self._unreported = 0

    def answered(self) -> None:
        """A success: said once after an outage, and the next failure is warned about at once."""
        if not self.out:
            return
        self._logger.info("%s available again (%s)", self._what, self._where)
        self.out = False
        self._warned_at = None
        self._unreported = 0


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
