"""Records grouped by key (store/reads/runs.py) as a record-at-a-time grouping groups them,
whether the keys come in runs (the reads' order) or not."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from store.reads.runs import runs_by_key


def _one_at_a_time(keys: list[str], records: list[int]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for key, record in zip(keys, records, strict=True):
        grouped.setdefault(key, []).append(record)
    return grouped


@given(keys=st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=60), ordered=st.booleans())
def test_the_groups_and_their_order_are_those_of_one_at_a_time(
    keys: list[str], ordered: bool
) -> None:
    if ordered:
        keys = sorted(keys)
    records = list(range(len(keys)))
    grouped = runs_by_key(keys, records)
    expected = _one_at_a_time(keys, records)
    assert grouped == expected
    assert list(grouped) == list(expected)  # keys in the order they first come


def test_each_group_is_a_list_of_its_own() -> None:
    grouped = runs_by_key(["a", "a", "b"], [1, 2, 3])
    grouped["a"].append(9)
    assert grouped == {"a": [1, 2, 9], "b": [3]}
