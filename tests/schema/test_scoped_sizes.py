"""The sizes an app or account key is estimated with (schema/scoped_sizes.py): for any store,
they depend on nothing but the key's own data, and bound every list of it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from schema.list_sizes import ListSizes
from schema.scoped_sizes import ScopedRow, scoped_sizes

APPS = ["a1", "a2"]
ACCOUNTS = {"x1": "a1", "x2": "a1", "x3": "a2"}
PER_ACCOUNT = ["companies_per_account", "contracts_per_account", "quarters_per_account"]
FLOORS = {"companies_per_account": 5, "contracts_per_account": 5, "quarters_per_account": 8}
FLOORS |= {"accounts_per_quarter": 50, "industries": 50, "metric_definitions": 12}

_account_rows = st.lists(
    st.tuples(st.sampled_from(PER_ACCOUNT), st.sampled_from(sorted(ACCOUNTS)), st.integers(0, 90))
)
_app_rows = st.lists(st.tuples(st.sampled_from(APPS), st.integers(0, 90)))
_whole = st.builds(
    ListSizes,
    industries=st.integers(0, 90),
    metric_definitions=st.integers(0, 30),
    companies_per_account=st.integers(0, 90),
    months=st.integers(0, 90),
)


def _rows(
    per_account: list[tuple[str, str, int]], per_app: list[tuple[str, int]]
) -> dict[str, list[ScopedRow]]:
    """The store's rows: one per (size, account) (the last one given wins), one per app."""
    rows: dict[str, dict[object, ScopedRow]] = {}
    for name, account, size in per_account:
        rows.setdefault(name, {})[account] = (ACCOUNTS[account], account, size)
    for app, size in per_app:
        rows.setdefault("accounts_per_quarter", {})[app] = (app, None, size)
    return {name: list(found.values()) for name, found in rows.items()}


@given(
    whole=_whole,
    mine=_account_rows,
    others=_account_rows,
    apps=_app_rows,
    account=st.sampled_from(sorted(ACCOUNTS)),
)
def test_an_account_key_is_estimated_with_its_own_account_only(
    whole: ListSizes,
    mine: list[tuple[str, str, int]],
    others: list[tuple[str, str, int]],
    apps: list[tuple[str, int]],
    account: str,
) -> None:
    """Whatever the other accounts (of its app too) and the apps hold."""
    own = [row for row in mine if row[1] == account]
    alone = scoped_sizes(whole, _rows(own, []), FLOORS).of_account(account)
    among = scoped_sizes(
        whole, _rows([row for row in others if row[1] != account] + own, apps), FLOORS
    ).of_account(account)
    assert among == alone
    for name in {row[0] for row in own}:  # the last row of a size is its size
        last = [size for n, _account, size in own if n == name][-1]
        assert getattr(alone, name) == (last if last > FLOORS[name] else 0)


@given(
    whole=_whole,
    mine=_account_rows,
    others=_account_rows,
    apps=_app_rows,
    app=st.sampled_from(APPS),
)
def test_an_app_key_is_estimated_with_its_own_apps_data_only(
    whole: ListSizes,
    mine: list[tuple[str, str, int]],
    others: list[tuple[str, str, int]],
    apps: list[tuple[str, int]],
    app: str,
) -> None:
    own = [row for row in mine if ACCOUNTS[row[1]] == app]
    own_apps = [row for row in apps if row[0] == app]
    alone = scoped_sizes(whole, _rows(own, own_apps), FLOORS).of_app(app)
    theirs = [row for row in others if ACCOUNTS[row[1]] != app]
    among = scoped_sizes(
        whole, _rows(theirs + own, [row for row in apps if row[0] != app] + own_apps), FLOORS
    ).of_app(app)
    assert among == alone
    # Every list of the app is estimated at least at its size: the largest of its accounts'.
    measured = scoped_sizes(whole, _rows(own, own_apps), FLOORS)
    for account, of_app in ACCOUNTS.items():
        if of_app == app:
            for name in PER_ACCOUNT:
                assert max(FLOORS[name], getattr(alone, name)) >= getattr(
                    measured.of_account(account), name
                )


@given(whole=_whole)
def test_only_the_lists_every_key_reads_in_full_come_from_the_whole_store(
    whole: ListSizes,
) -> None:
    """Every industry and metric definition: each key lists them all. Nothing else of the
    store's (its largest account, its months) reaches an app or account key."""
    sizes = scoped_sizes(whole, {}, FLOORS)
    expected = ListSizes(
        industries=whole.industries if whole.industries > 50 else 0,
        metric_definitions=whole.metric_definitions if whole.metric_definitions > 12 else 0,
    )
    assert sizes.of_app("a1") == sizes.of_account("x1") == sizes.base == expected
    assert sizes.of_app(None) == sizes.of_account(None) == expected
