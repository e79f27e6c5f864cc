"""The metric names a server has seen defined, kept across requests.

A `metrics(names: [...])` field refuses unknown names, which needs the definitions; reading
them for every request that names metrics would cost a statement each time. Definitions are
only ever added (ingest upserts them), so a name once seen stays valid: the set lives as long
as the app, and a name it does not hold sends the request to the database before it is refused,
so a metric defined a moment ago by another process is known at once."""

from __future__ import annotations

from collections.abc import Iterable


class KnownMetricNames:
    def __init__(self) -> None:
        self._names: frozenset[str] = frozenset()

    def unknown(self, names: Iterable[str]) -> list[str]:
        """The names not seen yet, in sorted order."""
        return sorted({name for name in names if name not in self._names})

    def learn(self, names: Iterable[str]) -> None:
        # A new set replaces the old one: requests running concurrently only ever read it.
        self._names = self._names | frozenset(names)
