"""The sizes of the store's lists that query cost estimates multiply (schema/limits.py), and
the floor each is never counted below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

SizeName = Literal[
    "companies_per_account",
    "contracts_per_account",
    "contracts_per_company",
    "industries",
    "metric_definitions",
    "months",
    "benchmarks_per_month",
    "quarters_per_account",
    "accounts_per_quarter",
    "apps",
]


@dataclass(frozen=True)
class ListSizes:
    """The largest size of each list among some data, as last measured (0: not measured or at
    most its floor): the whole store's for internal keys, an app's or an account's own for its
    keys (schema/scoped_sizes.py).

    A field's cost takes the larger of its size and the floor it declares (the typical size
    once assumed), so nothing is estimated below that, measured or not. Rows beyond an estimate
    (a list that grew since the last refresh) are charged to the key after the answer."""

    companies_per_account: int = 0
    contracts_per_account: int = 0
    contracts_per_company: int = 0
    industries: int = 0
    metric_definitions: int = 0
    months: int = 0  # distinct months with metric values
    benchmarks_per_month: int = 0  # cohorts (sector x metric) of one published month
    quarters_per_account: int = 0  # quarters with sales of one account
    accounts_per_quarter: int = 0  # accounts of one app with sales in one quarter
    apps: int = 0  # apps (tenants) in the store

    # The hash, made once: a ListSizes is in the key of the prepared queries' lookup (and of
    # the validation cache), hashed on every request, and the dataclass's own `__hash__` built
    # a tuple of the ten fields each time. Kept in the instance's `__dict__` (no slots), not as
    # a field: `fields`, `asdict`, `replace` and equality see the ten sizes only.
    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(tuple(getattr(self, name) for name in SIZE_NAMES)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined,no-any-return]


SIZE_NAMES: tuple[SizeName, ...] = get_args(SizeName)

# What a public key is estimated with: nothing measured, so that no verdict it gets depends on
# data (each list counts at its declared floor).
SHARED_SIZES = ListSizes()

# The lowest floor any field declares for each size (schema/limits.py's `typical` and the
# metric rows' typical metrics and months), filled as the schema's types are defined: a size
# at most its floor gives every field that uses it the field's own floor.
_FLOORS: dict[SizeName, int] = {}


def declare_floor(size: SizeName, floor: int) -> None:
    _FLOORS[size] = min(floor, _FLOORS.get(size, floor))


def size_floors() -> dict[str, int]:
    """Each size's lowest declared floor (a size no field uses has none: 0)."""
    return {name: _FLOORS.get(name, 0) for name in SIZE_NAMES}
