"""`RequestContext.build` gives each field what its keyword names (it passes them by position)."""

from __future__ import annotations

from typing import Any, cast

from resolvers.context import RequestContext
from resolvers.known_names import KnownMetricNames
from settings import load_settings
from store.scope import INTERNAL


def test_build_puts_each_value_in_its_own_field() -> None:
    reader = cast(Any, object())
    settings = load_settings({})
    known = KnownMetricNames()
    context = RequestContext.build(
        engine=cast(Any, None),
        settings=settings,
        scope=INTERNAL,
        known_names=known,
        reader=reader,
        rows_as_json=True,
    )
    by_keyword = RequestContext(
        reader=reader, settings=settings, scope=INTERNAL, known_names=known, rows_as_json=True
    )
    assert context == by_keyword
    assert context.reader is reader
    assert context.settings is settings
    assert context.scope is INTERNAL
    assert context.known_names is known
    assert context.rows_as_json is True
    assert context.side_errors == []
    assert context._loaders is None
    assert context._benchmarks is None
    assert context._definitions is None
    assert context._published_months is None


def test_each_context_has_its_own_side_errors() -> None:
    settings = load_settings({})
    reader = cast(Any, object())
    first, second = (
        RequestContext.build(
            engine=cast(Any, None), settings=settings, scope=INTERNAL, reader=reader
        )
        for _ in range(2)
    )
    assert first.side_errors is not second.side_errors
    assert first.rows_as_json is False
    assert isinstance(first.known_names, KnownMetricNames)
    assert first.known_names is not second.known_names
