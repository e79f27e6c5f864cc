"""The options of `profiling segment` kept per app.

An option given to `profiling segment` is kept for the apps it recomputed, so that every later
recomputation of those apps (a load of their sales or ledger data, `profiling segment` without
options, the demo) uses it instead of undoing it. An option beats its environment variable,
which beats the default; `profiling segment --reset` forgets an app's options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from settings import SegmentOptions
from store.tables import SEGMENT_SETTING_TABLE
from store.upsert import upsert

setting = SEGMENT_SETTING_TABLE.c

# The options of SegmentOptions.credit (analytics.credit.CreditPolicy).
_CREDIT_FIELDS = frozenset({"payment_terms_days", "low_risk_from", "high_risk_below"})
# Each option as `profiling segment` spells it.
OPTION_NAMES = {
    "max_clusters": "--clusters",
    "recent_quarters": "--recent-quarters",
    "payment_terms_days": "--payment-terms-days",
    "low_risk_from": "--low-risk-score",
    "high_risk_below": "--high-risk-score",
}


class KeptOptionsConflict(ValueError):
    """An app's kept options that no longer fit with the environment's settings."""


@dataclass(frozen=True, slots=True)
class KeptOptions:
    """Options given for an app; None where the environment's setting applies."""

    max_clusters: int | None = None
    recent_quarters: int | None = None
    payment_terms_days: int | None = None
    low_risk_from: int | None = None
    high_risk_below: int | None = None

    def given(self) -> dict[str, int]:
        return {name: value for name, value in asdict(self).items() if value is not None}

    def __bool__(self) -> bool:
        return bool(self.given())

    def over(self, kept: KeptOptions) -> KeptOptions:
        """These options, and `kept`'s where these give none."""
        return replace(kept, **self.given())

    def apply(self, base: SegmentOptions) -> SegmentOptions:
        """`base` (the environment's settings) with these options instead of its own.
        Raises ValueError when they do not fit together (a low-risk score below the
        high-risk one)."""
        given = self.given()
        credit = {name: value for name, value in given.items() if name in _CREDIT_FIELDS}
        plain = {name: value for name, value in given.items() if name not in _CREDIT_FIELDS}
        return replace(base, credit=replace(base.credit, **credit), **plain)

    def describe(self) -> str:
        """`--clusters 4 --recent-quarters 2`, as `profiling segment` takes them."""
        return " ".join(f"{OPTION_NAMES[name]} {value}" for name, value in self.given().items())


async def kept_options(
    connection: AsyncConnection, apps: Sequence[str] | None = None
) -> dict[str, KeptOptions]:
    """The options kept for each of `apps` (every app when None) that has some."""
    statement = select(SEGMENT_SETTING_TABLE)
    if apps is not None:
        statement = statement.where(setting.app_id.in_(list(apps)))
    names = [field.name for field in fields(KeptOptions)]
    found = await connection.execute(statement)
    return {
        row.app_id: KeptOptions(**{name: getattr(row, name) for name in names}) for row in found
    }


async def keep_options(
    connection: AsyncConnection, *, apps: Sequence[str], options: KeptOptions
) -> None:
    """Keep `options` for `apps`, over the options kept for them already."""
    if not options:
        return
    kept = await kept_options(connection, apps)
    rows = [{"app_id": app, **asdict(options.over(kept.get(app, KeptOptions())))} for app in apps]
    await upsert(connection, SEGMENT_SETTING_TABLE, rows)


async def forget_options(connection: AsyncConnection, *, apps: Sequence[str]) -> None:
    """Back to the environment's settings (and the defaults) for `apps`."""
    await connection.execute(delete(SEGMENT_SETTING_TABLE).where(setting.app_id.in_(list(apps))))


def effective_options(kept: KeptOptions, base: SegmentOptions) -> SegmentOptions:
    """For reads that measure as the job does (a credit risk as of an earlier day): an app's
    kept options over `base`, the environment's settings. Where they no longer fit, `base`:
    the job itself refuses to run then, and says why."""
    try:
        return kept.apply(base)
    except ValueError:
        return base


def options_of_app(app: str, kept: KeptOptions, base: SegmentOptions) -> SegmentOptions:
    """The options an app is segmented with: its kept ones over the environment's."""
    try:
        return kept.apply(base)
    except ValueError as exc:
        raise KeptOptionsConflict(
            f"app {app}'s segment options ({kept.describe()}) do not fit with the "
            f"environment's settings: {exc}; give other options with `profiling segment "
            f"--app {app}`, or forget them with `profiling segment --app {app} --reset`"
        ) from None
