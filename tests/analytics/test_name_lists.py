from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from analytics.name_lists import first_and_more


def test_a_few_names_are_all_listed() -> None:
    assert first_and_more(["a", "b"], 3) == "a, b"
    assert first_and_more(["a", "b", "c"], 3) == "a, b, c"
    assert first_and_more([], 3) == ""


def test_beyond_the_limit_a_count() -> None:
    assert first_and_more(["a", "b", "c", "d"], 3) == "a, b, c and 1 more"
    assert first_and_more([str(n) for n in range(1237)], 3) == "0, 1, 2 and 1,234 more"


def test_only_the_listed_names_are_shown() -> None:
    seen: list[str] = []

    def shown(name: str) -> str:
        seen.append(name)
        return repr(name)

    assert first_and_more(["a", "b", "c"], 2, shown) == "'a', 'b' and 1 more"
    assert seen == ["a", "b"]


@given(st.lists(st.text(alphabet="xyz", min_size=1), max_size=20), st.integers(1, 8))
def test_every_name_is_listed_or_counted(names: list[str], limit: int) -> None:
    said = first_and_more(names, limit)
    listed, _, more = said.partition(" and ")
    assert listed.split(", ") == (names[:limit] or [""])
    assert more == (f"{len(names) - limit:,} more" if len(names) > limit else "")
