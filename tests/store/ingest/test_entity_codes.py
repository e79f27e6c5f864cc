"""`EntityCodes`: the numbers a SQLite load stages for (level, entity id) pairs order as the
pairs do in SQLite (BINARY collation), so that a sort by number is metric_value's key order."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from store.ingest.entity_codes import EntityCodes

_LEVELS = st.sampled_from(["account", "company", "contract", "industry"])
# Any text a store keeps: no lone surrogate (not UTF-8), no NUL (refused by the reader).
_IDS = st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=8)
_PAIRS = st.lists(st.tuples(_LEVELS, _IDS), max_size=30)


def _sqlite_order(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    with sqlite3.connect(":memory:") as connection:
        connection.execute("CREATE TABLE p (level TEXT, entity_id TEXT)")
        connection.executemany("INSERT INTO p VALUES (?, ?)", pairs)
        return list(connection.execute("SELECT * FROM p ORDER BY level, entity_id"))


@given(known=_PAIRS, staged=_PAIRS)
def test_numbers_order_as_sqlite_orders_the_pairs(
    known: list[tuple[str, str]], staged: list[tuple[str, str]]
) -> None:
    universe: dict[str, set[str]] = {}
    for level, entity_id in known:
        universe.setdefault(level, set()).add(entity_id)
    codes = EntityCodes(universe)
    numbers = codes.of([level for level, _ in staged], [entity_id for _, entity_id in staged])
    by_pair = dict(zip(staged, numbers, strict=True))
    # One number per pair, and one pair per number.
    assert len(set(by_pair.values())) == len(by_pair)
    used = {(level, entity_id): code for code, level, entity_id in codes.used()}
    assert used == by_pair
    # Known pairs: numbered in SQLite's order of the pairs; the others after all of them.
    inside = [pair for pair in by_pair if pair[1] in universe.get(pair[0], ())]
    assert sorted(inside, key=by_pair.__getitem__) == _sqlite_order(inside)
    outside = [pair for pair in by_pair if pair not in inside]
    assert all(by_pair[pair] >= len(set(known)) for pair in outside)


def test_a_block_of_one_level_numbers_each_row() -> None:
    codes = EntityCodes({"account": {"b", "a", "c"}, "industry": {"a"}})
    assert codes.of(["account"] * 4, ["c", "a", "c", "zz"]) == [2, 0, 2, 4]
    assert codes.of(["industry", "account"], ["a", "b"]) == [3, 1]
    assert sorted(codes.used()) == [
        (0, "account", "a"),
        (1, "account", "b"),
        (2, "account", "c"),
        (3, "industry", "a"),
        (4, "account", "zz"),
    ]
