"""The epsilon of a month's revisions published before the privacy accountant recorded what
they drew (migration 0013 left them null): stored nowhere, so the operator declares it
(`profiling publish --month M --declare-past-epsilon E`), and until then the month takes no new
draw. A declaration below today's epsilon (what was assumed for them until migration 0017) or
below an earlier one is refused: nothing can check it, and no loss is guessed downward."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, false, text
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.privacy_loss import check_past_epsilon, revisions_named
from store.tables import MONTH_PAST_EPSILON_TABLE

# Conflicts with itself and with every write of the table, not with reads.
_POSTGRES_LOCK = text("LOCK TABLE month_past_epsilon IN SHARE ROW EXCLUSIVE MODE")


async def lock_past_epsilon(connection: AsyncConnection) -> None:
    """Waits until no other transaction may declare a past epsilon, and keeps it so until this
    one ends: taken before the declaration in force is read, so that two declarations of one
    month at once (two `publish --declare-past-epsilon`) run one after the other, the second
    checked against the first (the same, kept; lower, refused; higher, replacing it), never
    both inserting the month's row."""
    if connection.dialect.name == "postgresql":
        await connection.execute(_POSTGRES_LOCK)
    else:
        # SQLite has one writer at a time, and pysqlite begins the transaction at its first
        # write: a write that changes nothing takes the database's write lock now.
        await connection.execute(delete(MONTH_PAST_EPSILON_TABLE).where(false()))


def undeclared_refusal(
    month: dt.date, unknown: tuple[int, ...], *, privacy_epsilon: float, revising: bool
) -> str:
    """Why a month with revisions of unknown epsilon takes no new draw, and how to go on."""
    doing = "revising" if revising else "publishing"
    one = len(unknown) == 1
    return (
        f"{doing} {month:%Y-%m} is refused: its {revisions_named(unknown)} "
        f"{'was' if one else 'were'} published before the privacy accountant recorded "
        f"{'its' if one else 'their'} epsilon, so what the month cost its accounts is not known; "
        f"declare the epsilon {'it was' if one else 'they were'} drawn at (at least today's "
        f"PROFILING_PRIVACY_EPSILON, {privacy_epsilon:g}) with `profiling publish --month "
        f"{month:%Y-%m} --declare-past-epsilon E`, then revise"
    )


async def record_past_epsilon(
    connection: AsyncConnection,
    month: dt.date,
    *,
    epsilon: float,
    privacy_epsilon: float,
    unknown: tuple[int, ...],
    declared: float | None,
) -> None:
    """Check and store the declaration (in the caller's transaction, which took
    `lock_past_epsilon` before reading `declared`); ValueError says why not."""
    check_declaration(
        month, epsilon=epsilon, privacy_epsilon=privacy_epsilon, unknown=unknown, declared=declared
    )
    if declared == epsilon:
        return
    table = MONTH_PAST_EPSILON_TABLE
    await connection.execute(delete(table).where(table.c.month == month))
    await connection.execute(
        table.insert(),
        [{"month": month, "epsilon": epsilon, "declared_at": dt.datetime.now(dt.UTC)}],
    )


def check_declaration(
    month: dt.date,
    *,
    epsilon: float,
    privacy_epsilon: float,
    unknown: tuple[int, ...],
    declared: float | None,
) -> None:
    """ValueError when the declaration cannot be stored, saying why: checked by a publish
    before it computes anything, and again as it writes."""
    if not unknown:
        # Also a month not published yet: it has no revision at all.
        raise ValueError(
            f"{month:%Y-%m} has no revision published before the privacy accountant (every one "
            "recorded its epsilon, or there is none yet): there is nothing to declare "
            "(--declare-past-epsilon is for revisions published before the privacy accountant)"
        )
    check_past_epsilon(
        epsilon, month=f"{month:%Y-%m}", month_epsilon=privacy_epsilon, declared=declared
    )
