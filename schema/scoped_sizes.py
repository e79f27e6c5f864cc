"""The list sizes an app or account key's queries are estimated with: measured within the data
the key may see, never beyond it (schema/limits.py).

A query's estimate decides whether it is refused (max_cost), what a rate limit says it costs
and when to retry: anything it is estimated with, a key can find by sending pages of every
size. So each key is estimated only with sizes of data it can read itself:
- an app key: the largest lists among its own app's accounts (the most companies of one of
  its accounts, the most accounts of one of its quarters, ...);
- an account key: its own account's lists only. Its app's largest would tell it, say, the
  most companies of any other account of its app, which it cannot see: measured apart;
- both: the lists every such key reads in full (every industry, every metric definition);
- not measured within a scope, so at their floors: the months with metric values (counted
  per app it would scan every value, where the store-wide count skips through an index),
  the benchmarks of a month and the apps;
- a public key, and a key of an app or account without a size over its floor: every list at
  its floor (`SHARED_SIZES`).

Only sizes over their floor are kept (the store returns no others), and every size at most
its floor is kept as 0: the estimate takes the larger of the two, so both give the same
verdicts, and every scope whose lists are all small shares one `ListSizes` (and with it the
verdicts remembered for it: the validation cache, the prepared queries and the rate limiter's
costs are keyed by the sizes a query is estimated with, not by who asks). Equal sizes are one
object, so memory grows with the accounts over a floor, not with the store."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from schema.list_sizes import SHARED_SIZES, ListSizes

# The sizes of the whole store that every app and account key reads in full itself.
_READ_IN_FULL = ("industries", "metric_definitions")

# A measured size: (app, account or None for the whole app's, size).
ScopedRow = tuple[str, str | None, int]


@dataclass(frozen=True, slots=True)
class ScopedSizes:
    """The sizes of each app and account with a list over its floor; every other one has
    `base` (the lists read in full, over their floors)."""

    base: ListSizes = SHARED_SIZES
    by_app: Mapping[str, ListSizes] = field(default_factory=dict)
    by_account: Mapping[str, ListSizes] = field(default_factory=dict)

    def of_app(self, app_id: str | None) -> ListSizes:
        return self.by_app.get(app_id or "", self.base)

    def of_account(self, account_id: str | None) -> ListSizes:
        return self.by_account.get(account_id or "", self.base)


def _over(value: int, floor: int) -> int:
    return value if value > floor else 0


def scoped_sizes(
    whole: ListSizes,
    rows: Mapping[str, Iterable[ScopedRow]],
    floors: Mapping[str, int],
) -> ScopedSizes:
    """Each app's and account's sizes from the store's rows (`store/reads/list_sizes.py`:
    sizes by account, or by app for a row without one) and the store-wide sizes `whole`
    (only those every key reads in full are taken from it)."""
    base = dataclasses.replace(
        SHARED_SIZES,
        **{name: _over(getattr(whole, name), floors.get(name, 0)) for name in _READ_IN_FULL},
    )
    apps: dict[str, dict[str, int]] = {}
    accounts: dict[str, dict[str, int]] = {}
    for name, found in rows.items():
        floor = floors.get(name, 0)
        for app_id, account_id, size in found:
            if size <= floor:
                continue
            # The app's size is the largest of its accounts': the app key sees them all.
            of_app = apps.setdefault(app_id, {})
            of_app[name] = max(of_app.get(name, 0), size)
            if account_id is not None:
                accounts.setdefault(account_id, {})[name] = size
    interned: dict[ListSizes, ListSizes] = {base: base}

    def sizes(measured: dict[str, int]) -> ListSizes:
        made = dataclasses.replace(base, **measured)
        return interned.setdefault(made, made)

    return ScopedSizes(
        base=base,
        by_app={app_id: sizes(measured) for app_id, measured in apps.items()},
        by_account={account_id: sizes(measured) for account_id, measured in accounts.items()},
    )
