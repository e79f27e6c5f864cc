"""`profiling publish` says what the month has cost its most exposed account, and refuses a
revision past the cap (or a cap below the budget) in one line. The command runs in process
(tests/cli/in_process.py); tests/cli/test_main.py runs `publish` through the console script."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.cli.in_process import profiling_in_thread
from tests.factories import Seed


async def test_publish_prints_the_months_privacy_loss_and_refuses_past_the_cap(
    engine: AsyncEngine, database_url: str
) -> None:
    seed = Seed()
    seed.industry("retail")
    seed.definition("revenue", "EUR", aggregation="sum", bounds=("0", "1000"))
    seed.definition("visits", "count", aggregation="median", bounds=("0", "1000"))
    for n in range(6):
        seed.account(f"a{n}", industry="retail")
        for name in ("revenue", "visits"):
            seed.metric("account", f"a{n}", name, "2024-02-01", f"{100 + n}")
    await seed.write(engine)
    env = {"DATABASE_URL": database_url, "PROFILING_TODAY": "2024-03-10"}
    first = await profiling_in_thread("publish", "--month", "2024-02", env=env)
    assert first.returncode == 0, first.stderr
    assert "Privacy loss of 2024-02 so far: at most epsilon 1 for any account (cap 2).\n" in (
        first.stdout
    )
    changed = Seed()
    changed.metric("account", "a0", "revenue", "2024-02-01", "99")
    await changed.write(engine)
    # revenue's two releases of the three drawn again: 1 + 2/3.
    revised = await profiling_in_thread("publish", "--month", "2024-02", "--revise", env=env)
    assert revised.returncode == 0, revised.stderr
    assert "Privacy loss of 2024-02 so far: at most epsilon 1.667 for any account (cap 2)." in (
        revised.stdout
    )
    changed = Seed()
    changed.metric("account", "a0", "revenue", "2024-02-01", "98")
    await changed.write(engine)
    refused = await profiling_in_thread("publish", "--month", "2024-02", "--revise", env=env)
    assert refused.returncode == 1
    assert [line for line in refused.stderr.splitlines() if "error" in line] == [
        refused.stderr.splitlines()[-1]
    ]
    # 1 + 2/3 + 2/3, rounded up; the budget that fits, 0.5, brings it to the cap exactly.
    assert (
        "error: revising 2024-02 would take an account's privacy loss for the month to epsilon "
        "2.334, over the cap of 2 (PROFILING_PRIVACY_MONTH_CAP): revise it with "
        "PROFILING_PRIVACY_EPSILON at most 0.5 "
    ) in refused.stderr
    below = await profiling_in_thread(
        "publish", "--month", "2024-02", env={**env, "PROFILING_PRIVACY_MONTH_CAP": "0.5"}
    )
    assert below.returncode == 1
    assert below.stderr.strip().endswith("a first publication spends the whole epsilon")
    assert [line for line in below.stderr.splitlines() if "error" in line] == [
        below.stderr.splitlines()[-1]
    ]


async def test_a_month_of_unknown_epsilon_is_refused_until_declared(
    engine: AsyncEngine, database_url: str
) -> None:
    """Revised before the privacy accountant recorded what its revisions drew."""
    from tests.store.jobs.test_privacy_accountant_revisions import (
        _forget_what_was_recorded,
        _migrate_to,
    )

    seed = Seed()
    seed.industry("retail")
    seed.definition("revenue", "EUR", aggregation="sum", bounds=("0", "1000"))
    seed.definition("visits", "count", aggregation="median", bounds=("0", "1000"))
    for n in range(6):
        seed.account(f"a{n}", industry="retail")
        for name in ("revenue", "visits"):
            seed.metric("account", f"a{n}", name, "2024-02-01", f"{100 + n}")
    await seed.write(engine)
    env = {"DATABASE_URL": database_url, "PROFILING_TODAY": "2024-03-10"}
    published = await profiling_in_thread("publish", "--month", "2024-02", env=env)
    assert published.returncode == 0, published.stderr
    changed = Seed()
    changed.metric("account", "a0", "revenue", "2024-02-01", "99")
    await changed.write(engine)
    revised = await profiling_in_thread("publish", "--month", "2024-02", "--revise", env=env)
    assert revised.returncode == 0, revised.stderr
    try:
        await _forget_what_was_recorded(engine)
        refused = await profiling_in_thread("publish", "--month", "2024-02", "--revise", env=env)
        assert refused.returncode == 1
        assert refused.stderr.splitlines()[-1] == (
            "error: revising 2024-02 is refused: its revision 1 was published before the "
            "privacy accountant recorded its epsilon, so what the month cost its accounts is "
            "not known; declare the epsilon it was drawn at (at least today's "
            "PROFILING_PRIVACY_EPSILON, 1) with `profiling publish --month 2024-02 "
            "--declare-past-epsilon E`, then revise"
        )
        assert "Traceback" not in refused.stderr
        below = await profiling_in_thread(
            "publish", "--month", "2024-02", "--declare-past-epsilon", "0.5", env=env
        )
        assert below.returncode == 1
        assert below.stderr.splitlines()[-1].startswith(
            "error: --declare-past-epsilon 0.5 is below PROFILING_PRIVACY_EPSILON (1)"
        )
        zero = await profiling_in_thread(
            "publish", "--month", "2024-02", "--declare-past-epsilon", "0", env=env
        )
        assert zero.returncode == 1
        assert zero.stderr.splitlines()[-1] == (
            "error: --declare-past-epsilon must be a positive number, got 0"
        )
        declared = await profiling_in_thread(
            "publish", "--month", "2024-02", "--declare-past-epsilon", "2", env=env
        )
        assert declared.returncode == 0, declared.stderr
        # Revision 1 at 2, revision 2's three releases of 1/3 (as drawn by it: migration 0013).
        assert declared.stdout.splitlines()[-1] == (
            "Declared epsilon 2 for 2024-02's revision 1, published before the privacy "
            "accountant. Privacy loss of 2024-02 so far: at most epsilon 3 for any account "
            "(cap 2)."
        )
        again = await profiling_in_thread(
            "publish", "--month", "2024-02", "--revise", "--declare-past-epsilon", "2", env=env
        )
        assert again.returncode == 0, again.stderr
        assert "Revised (revision 3) 2024-02" in again.stdout
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate_to, "head")
