from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from analytics.cohort import MIN_COHORT, effective_minimum, is_publishable, is_publishable_to


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


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(-100, 100))
def test_a_key_gets_a_value_only_when_the_others_alone_meet_the_rule(
    accounts: int, own: int, configured: int
) -> None:
    """A key that knows `own` of the accounts behind a value takes them out of it: what is
    left must still meet the rule (an account key in a cohort of 5 is refused)."""
    given_to_key = is_publishable_to(accounts, own_accounts=own, minimum=configured)
    assert given_to_key == (accounts - own >= max(configured, MIN_COHORT))
    if given_to_key:
        assert is_publishable(accounts, minimum=configured)
    assert not is_publishable_to(MIN_COHORT, own_accounts=1)
    assert is_publishable_to(MIN_COHORT + 1, own_accounts=1)
