"""The privacy accountant's arithmetic: kept draws count once, unrecorded revisions count as a
whole budget at the declared past epsilon, each revision's budget is read off its draws, and
the budget suggested by a refusal fits."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.privacy_loss import (
    CohortDraw,
    account_losses,
    check_month_cap,
    check_past_epsilon,
    default_cap_of_month,
    default_month_cap,
    epsilon_that_fits,
    largest_loss,
    over_cap,
    revision_budgets,
    revisions_named,
    shown,
    unrecorded_revisions,
)
from analytics.pulse import month_epsilon


def _draw(
    revision: int,
    members: str,
    releases: int | None = 2,
    epsilon: float | None = 0.25,
    drawn_in: int | None = None,
    industry: str = "retail",
) -> CohortDraw:
    return CohortDraw(
        revision=revision,
        industry_id=industry,
        member_ids=frozenset(members),
        releases=releases,
        epsilon=epsilon,
        drawn_in=revision if drawn_in is None else drawn_in,
    )


def test_a_kept_draw_counts_once_in_the_revision_that_drew_it() -> None:
    draws = [
        _draw(1, "abc"),
        _draw(1, "abd", releases=1),
        _draw(2, "abc", drawn_in=1),  # kept: the same draw
        _draw(2, "abd", releases=1),  # drawn again
        _draw(3, "abc", drawn_in=1),  # kept twice
    ]
    losses = account_losses(draws, unrecorded_epsilon=1.0)
    assert losses == {"a": 1.0, "b": 1.0, "c": 0.5, "d": 0.5}
    assert largest_loss(losses) == 1.0


def test_cohorts_without_a_release_cost_nothing() -> None:
    draws = [_draw(1, "ab", releases=0, epsilon=None), _draw(2, "ab", releases=0, epsilon=None)]
    assert account_losses(draws, unrecorded_epsilon=1.0) == {}
    assert largest_loss({}) == 0.0


def test_an_unrecorded_revision_counts_the_declared_budget_once_per_account() -> None:
    draws = [
        _draw(1, "abc", releases=None, epsilon=None, drawn_in=None),
        _draw(1, "ab", releases=None, epsilon=None, drawn_in=None),
        _draw(2, "ab", releases=1, epsilon=0.5),
    ]
    assert unrecorded_revisions(draws) == (1,)
    assert account_losses(draws, unrecorded_epsilon=4.0) == {"a": 4.5, "b": 4.5, "c": 4.0}


def test_each_revisions_budget_is_read_off_what_it_drew() -> None:
    draws = [
        _draw(1, "abc", releases=None, epsilon=None, drawn_in=None),  # before the accountant
        # Revision 2 drew two retail releases at 1 and kept one drawn at 0.5 in revision 1:
        # its retail releases (3) shared a budget of 3; energy's two at 1.5 shared 3 too.
        _draw(2, "ab", releases=2, epsilon=1.0),
        _draw(2, "cd", releases=1, epsilon=0.5, drawn_in=1),
        _draw(2, "xy", releases=2, epsilon=1.5, industry="energy"),
        _draw(3, "ab", releases=2, epsilon=1.0, drawn_in=2),  # kept everything: no budget
    ]
    assert revision_budgets(draws, past_epsilon=None) == {1: None, 2: 3.0}
    assert revision_budgets(draws, past_epsilon=4.0) == {1: 4.0, 2: 3.0}
    # The split rounds down: 3 releases of a third of 1 still read as a budget of 1.
    third = [_draw(1, "ab", releases=3, epsilon=1 / 3)]
    assert f"{revision_budgets(third, past_epsilon=None)[1]:g}" == "1"


def test_a_declared_first_budget_bounds_the_default_cap_as_a_recorded_one_does() -> None:
    draws = [_draw(1, "ab", releases=None, epsilon=None, drawn_in=None), _draw(2, "ab")]
    # Declared at 1 (today's then); today's raised to 2 since: the cap stays twice 1.
    assert default_cap_of_month(draws, month_epsilon=2.0, past_epsilon=1.0) == 2.0
    assert default_cap_of_month(draws, month_epsilon=1.0, past_epsilon=3.0) == 2.0
    assert default_cap_of_month(draws, month_epsilon=2.0) == 4.0  # undeclared: today's


def test_the_pulse_states_each_revisions_budget_where_they_differ() -> None:
    assert month_epsilon({1: 1.0, 2: 1.0}, today=5.0) == "1"
    assert month_epsilon({1: 0.5, 2: 1.0}, today=1.0) == "1 (0.5 for revision 1)"
    assert month_epsilon({1: None, 2: 2.0, 3: 1.0}, today=1.0) == (
        "1 (not recorded for revision 1, 2 for revision 2)"
    )
    assert month_epsilon({1: 4.0, 2: 4.0, 3: 1.0}, today=1.0) == "1 (4 for revisions 1 and 2)"
    assert month_epsilon({}, today=2.0) == "2"  # nothing drawn: today's setting
    assert revisions_named((1, 2, 3)) == "revisions 1, 2 and 3"


def test_a_past_epsilon_below_todays_or_an_earlier_declaration_is_refused() -> None:
    check_past_epsilon(2.0, month="2023-04", month_epsilon=1.0, declared=None)
    check_past_epsilon(2.0, month="2023-04", month_epsilon=1.0, declared=2.0)
    with pytest.raises(ValueError, match=r"^--declare-past-epsilon 0.5 is below .*EPSILON \(1\)"):
        check_past_epsilon(0.5, month="2023-04", month_epsilon=1.0, declared=None)
    with pytest.raises(ValueError, match=r"declared drawn at epsilon 3: .* never lower it"):
        check_past_epsilon(2.0, month="2023-04", month_epsilon=1.0, declared=3.0)
    for bad in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="must be a positive number"):
            check_past_epsilon(bad, month="2023-04", month_epsilon=1.0, declared=None)


def test_the_cap_defaults_to_two_budgets_and_is_never_below_one() -> None:
    assert default_month_cap(1.5) == 3.0
    check_month_cap(1.0, 1.0)
    with pytest.raises(ValueError, match=r"MONTH_CAP \(0.5\) must be at least .*EPSILON \(1\)"):
        check_month_cap(0.5, 1.0)


def test_a_sum_of_shares_a_few_ulps_past_the_cap_is_the_cap() -> None:
    share = 1 / 3
    total = math.fsum([share] * 6)
    assert not over_cap(total + 1e-15, 2.0)
    assert over_cap(2.001, 2.0)
    assert shown(1.5000000000000002, up=True) == "1.5"
    assert shown(0.30000000000000004, up=False) == "0.3"


def test_a_month_spent_to_the_cap_leaves_no_budget_not_a_few_ulps() -> None:
    spent = math.nextafter(2.0, 0.0)  # two budgets of shares rounded down (split_budget)
    assert epsilon_that_fits({"a": spent}, {"a": 0.1}, month_cap=2.0) == 0.0
    assert epsilon_that_fits({"a": 1.5}, {"a": 0.5}, month_cap=2.0) == 1.0
    assert epsilon_that_fits({"a": 1.5}, {}, month_cap=2.0) == math.inf


@given(value=st.floats(min_value=1e-6, max_value=1e6))
def test_a_shown_loss_is_never_less_and_a_shown_room_never_more(value: float) -> None:
    assert float(shown(value, up=True)) >= value * (1 - 1e-9)
    assert float(shown(value, up=False)) <= value * (1 + 1e-9)


budgets = st.floats(min_value=0.0, max_value=4.0, allow_nan=False)


@given(
    spent=st.dictionaries(st.sampled_from("abcdef"), budgets, max_size=6),
    shares=st.dictionaries(st.sampled_from("abcdef"), st.floats(0.0, 3.0), max_size=6),
    cap=st.floats(min_value=0.1, max_value=8.0),
)
def test_the_budget_that_fits_keeps_every_account_within_the_cap(
    spent: dict[str, float], shares: dict[str, float], cap: float
) -> None:
    fits = epsilon_that_fits(spent, shares, month_cap=cap)
    assert fits >= 0
    if math.isfinite(fits):
        suggested = float(shown(fits, up=False))
        for account, share in shares.items():
            if share > 0 and fits > 0:
                assert not over_cap(spent.get(account, 0.0) + share * suggested, cap)
