"""The prepared documents' store (schema/execution/prepared.py `PreparedQueries`): texts kept in
a bounded LRU, each text's documents by the list sizes they validated with, the last sizes
found by identity. Whatever it finds is the document last kept under that text and equal
sizes, whichever sizes object asks; it never holds more than its bound."""

from __future__ import annotations

from typing import Any

from graphql import DocumentNode, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from schema.execution.prepared import PreparedQueries
from schema.list_sizes import ListSizes

TEXTS = ("{ a }", "{ b }", "{ c }", "query Q { d }")

# A sizes value, and whether to ask with a new object equal to it (never the one kept).
_SIZES = st.tuples(st.sampled_from([None, 0, 1, 2]), st.booleans())
_STEPS = st.lists(
    st.tuples(st.sampled_from(["remember", "find"]), st.sampled_from(TEXTS), _SIZES),
    max_size=40,
)
_SHARED = {months: ListSizes(months=months) for months in (0, 1, 2)}


def _sizes(value: int | None, fresh: bool) -> ListSizes | None:
    if value is None:
        return None
    return ListSizes(months=value) if fresh else _SHARED[value]


@settings(max_examples=300, deadline=None)
@given(maxsize=st.integers(min_value=1, max_value=5), steps=_STEPS)
def test_a_document_found_is_the_last_kept_under_its_text_and_equal_sizes(
    maxsize: int, steps: list[tuple[str, str, tuple[int | None, bool]]]
) -> None:
    prepared = PreparedQueries(maxsize=maxsize)
    kept: dict[tuple[Any, str], DocumentNode] = {}
    for action, text, (value, fresh) in steps:
        sizes = _sizes(value, fresh)
        if action == "remember":
            document = parse(text)
            prepared.remember(text, document, sizes=sizes)
            kept[value, text] = document
            # The document just kept is found, under any equal sizes.
            assert prepared.document(text, None, None, sizes=_sizes(value, True)) is document
            assert prepared.document(text, None, None, sizes=sizes) is document
        else:
            found = prepared.document(text, None, None, sizes=sizes)
            assert found is None or found is kept.get((value, text))
        assert len(prepared) <= maxsize
        # The count is that of the documents it finds.
        assert len(prepared) == sum(
            prepared.document(t, None, None, sizes=_sizes(v, True)) is not None
            for v in (None, 0, 1, 2)
            for t in TEXTS
        )


def test_one_text_under_more_sizes_than_the_bound_keeps_its_newest() -> None:
    prepared = PreparedQueries(maxsize=2)
    documents = {months: parse("{ a }") for months in range(3)}
    for months, document in documents.items():
        prepared.remember("{ a }", document, sizes=ListSizes(months=months))
    assert len(prepared) == 2
    assert prepared.document("{ a }", None, None, sizes=ListSizes(months=0)) is None
    for months in (1, 2):
        found = prepared.document("{ a }", None, None, sizes=ListSizes(months=months))
        assert found is documents[months]


def test_sizes_found_by_identity_are_the_sizes_asked_for() -> None:
    """The identity shortcut answers only for the very sizes it last found: another object,
    equal or not, is looked up by value."""
    prepared = PreparedQueries()
    small, large = parse("{ a }"), parse("{ a }")
    prepared.remember("{ a }", small, sizes=ListSizes(months=1))
    prepared.remember("{ a }", large, sizes=ListSizes(months=9))
    assert prepared.document("{ a }", None, None, sizes=ListSizes(months=1)) is small
    assert prepared.document("{ a }", None, None, sizes=ListSizes(months=9)) is large
    assert prepared.document("{ a }", None, None, sizes=ListSizes(months=5)) is None
    assert prepared.document("{ a }", None, None, sizes=None) is None
