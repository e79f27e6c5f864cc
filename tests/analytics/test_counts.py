from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.counts import counted


@pytest.mark.parametrize(
    ("count", "said"),
    [
        (0, "0 ledger entries"),
        (1, "1 ledger entry"),
        (2, "2 ledger entries"),
        (1234, "1,234 ledger entries"),
    ],
)
def test_a_count_and_its_noun(count: int, said: str) -> None:
    assert counted(count, "ledger entry", "ledger entries") == said


@given(st.integers(min_value=0, max_value=10**9))
def test_only_one_is_singular(count: int) -> None:
    said = counted(count, "line names such a ledger", "lines name such ledgers")
    assert said.startswith(f"{count:,} ")
    assert said.endswith("line names such a ledger" if count == 1 else "lines name such ledgers")
