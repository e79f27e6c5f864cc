"""What the privacy accountant costs a revision at the ten-million-value scale: 10,000 accounts
x 20 metrics in 12 sectors (200,000 memberships a month) over 2 revisions, half the cohorts
drawn again. Prints the function calls cProfile counts (repeatable under load) and, for
scale, the seconds it took.

    PYTHONPATH=. .venv/bin/python bench/privacy_accountant.py
"""

from __future__ import annotations

import cProfile
import pstats
import time

from analytics.privacy_loss import CohortDraw, account_losses, largest_loss

ACCOUNTS = 10_000
SECTORS = 12
METRICS = 20


def month_draws() -> list[CohortDraw]:
    accounts = [f"a{n:06d}" for n in range(ACCOUNTS)]
    draws = []
    for revision in (1, 2):
        for sector in range(SECTORS):
            members = frozenset(accounts[sector::SECTORS])
            for metric in range(METRICS):
                drawn_again = revision == 2 and metric % 2 == 1
                draws.append(
                    CohortDraw(
                        revision=revision,
                        industry_id=f"s{sector:02d}",
                        member_ids=members,
                        releases=2,
                        epsilon=1 / (2 * METRICS),
                        drawn_in=revision if drawn_again else 1,
                    )
                )
    return draws


def main() -> None:
    draws = month_draws()
    memberships = sum(len(draw.member_ids) for draw in draws)
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    # Every revision recorded: no past epsilon is involved.
    largest = largest_loss(account_losses(draws, unrecorded_epsilon=1.0))
    profile.disable()
    seconds = time.perf_counter() - started
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    print(
        f"{memberships:,} memberships in {len(draws):,} cohorts: largest loss {largest:g}, "
        f"{calls:,} function calls, {seconds:.3f} s"
    )


if __name__ == "__main__":
    main()
