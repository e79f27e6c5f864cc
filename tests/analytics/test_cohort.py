from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from analytics.cohort import MIN_COHORT, effective_minimum, is_publishable


def test_the_boundary_is_five() -> None:
    assert MIN_COHORT == 5
    assert not is_publishable(4)
    assert is_publishable(5)
    assert not is_publishable(0)


@given(st.integers(0, 10_000), st.integers(-100, 100))
def test_configuration_never_lowers_the_minimum_below_five(accounts: int, configured: int) -> None:
    if accounts < MIN_COHORT:
        assert not is_publishable(accounts, minimum=configured)
    assert is_publishable(accounts, minimum=configured) == (accounts >= max(configured, MIN_COHORT))
    assert effective_minimum(configured) >= MIN_COHORT
