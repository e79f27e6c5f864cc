"""A cohort's members freeze in the order of (value, account), whatever the values: the float
key in front of the exact value never changes that order."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from store.jobs.publish import _Cohort

_VALUES = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=4),
    st.decimals(allow_nan=False, allow_infinity=False),
    # Values a float cannot tell apart, and values beyond a float's range.
    st.sampled_from(
        [
            Decimal("0.10000000000000000001"),
            Decimal("0.1"),
            Decimal("0.10"),
            Decimal("1E+400"),
            Decimal("-1E+400"),
            Decimal("2E+400"),
        ]
    ),
)


@given(st.lists(st.tuples(_VALUES, st.sampled_from(["a", "b", "c", "acc-1"])), max_size=60))
def test_members_freeze_by_value_then_account(members: list[tuple[Decimal, str]]) -> None:
    expected = sorted(members)
    accounts, values = _Cohort(list(members)).freeze()
    assert accounts == [account for _, account in expected]
    assert [str(v) for v in values] == [str(v) for v, _ in expected]
