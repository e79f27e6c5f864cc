"""Everything one request needs: settings, fresh DataLoaders, and errors to report beside data."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.benchmark_loaders import BenchmarkLoaders
from resolvers.known_names import KnownMetricNames
from resolvers.loaders import Loaders
from resolvers.made_once import made_once
from settings import Settings
from store.reads import benchmarks as benchmark_reads
from store.reads import entities as reads
from store.records import DefinitionRecord
from store.running.reader import Reader, reader_for
from store.scope import Scope


class _BuiltOnFirstUse:
    """The parts of a request's context made when first asked for, None until then: class
    attributes until set, not dataclass fields, so that the context's `__init__` (made for every
    request) does not set each to None (4 of its 10 assignments)."""

    _definitions: asyncio.Future[dict[str, DefinitionRecord]] | None = None
    _published_months: asyncio.Future[list[dt.date]] | None = None
    # Built on first use: most requests use a few of the loaders, many use no benchmark one,
    # and building all of them took about a twentieth of a small request (docs/performance.md).
    _loaders: Loaders | None = None
    _benchmarks: BenchmarkLoaders | None = None


@dataclass
class RequestContext(_BuiltOnFirstUse):
    reader: Reader
    settings: Settings
    scope: Scope
    known_names: KnownMetricNames
    # Refusals that must not null their parent (see resolvers.metrics.industry_metrics):
    # the schema appends them to the response's errors.
    side_errors: list[GraphQLError] = field(default_factory=list)
    # Whether the answer is written by orjson, which embeds a list given as JSON text
    # (orjson.Fragment) as it is: a compiled plan may then have the database write a list's
    # text (schema/execution/account_rows_json.py). The server's contexts say so; any other
    # caller gets only Python values.
    rows_as_json: bool = False

    @made_once
    def today(self) -> dt.date:
        """The request's today, read once, when a field first needs it: most requests never
        do (only `lastFullMonth` and a few analytics fields), and reading the clock and the
        local time zone cost a small request about as much as one of its loaders."""
        return self.settings.today()

    @property
    def loaders(self) -> Loaders:
        """The request's DataLoaders over entities, metrics and sales (one set per request)."""
        if self._loaders is None:
            self._loaders = Loaders(self.reader, self.scope, self.settings.segment)
        return self._loaders

    @property
    def benchmarks(self) -> BenchmarkLoaders:
        """The request's DataLoaders over published months (one set per request)."""
        if self._benchmarks is None:
            self._benchmarks = BenchmarkLoaders(self.reader, self.settings.min_cohort)
        return self._benchmarks

    @classmethod
    def build(
        cls,
        *,
        engine: AsyncEngine,
        settings: Settings,
        scope: Scope,
        known_names: KnownMetricNames | None = None,
        reader: Reader | None = None,
        rows_as_json: bool = False,
    ) -> RequestContext:
        """A request's context; `known_names` is the app's, shared by its requests. Its reads
        go through `reader` when given (a standby's, store/running/routing.py), else the
        engine's."""
        reader = reader or reader_for(engine, driver_reads=settings.driver_reads)
        # Positional, in the fields' order: the dataclass's `__init__` matching keywords took
        # about as much again as the object itself (5,700 instructions against 3,300, every
        # request; tests/resolvers/test_context.py checks the order).
        return cls(reader, settings, scope, known_names or KnownMetricNames(), [], rows_as_json)

    async def definitions(self) -> dict[str, DefinitionRecord]:
        """All metric definitions, read at most once per request however many fields ask."""
        if self._definitions is None:
            self._definitions = asyncio.ensure_future(self._read_definitions())
        # Shielded: a cancelled field must not cancel the shared read under the other fields
        # that wait for it.
        return await asyncio.shield(self._definitions)

    async def published_months(self) -> list[dt.date]:
        """The frozen months, oldest first, read at most once per request."""
        if self._published_months is None:
            self._published_months = asyncio.ensure_future(self._read_published_months())
        return await asyncio.shield(self._published_months)

    async def _read_published_months(self) -> list[dt.date]:
        return await self.reader.read(benchmark_reads.published_months)

    async def _read_definitions(self) -> dict[str, DefinitionRecord]:
        records = await self.reader.read(reads.metric_definitions)
        self.known_names.learn(record.name for record in records)
        return {record.name: record for record in records}
