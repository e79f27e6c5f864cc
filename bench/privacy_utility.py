"""What differential privacy costs the sector benchmarks: error of the private p50 and p90.

Run: .venv/bin/python bench/privacy_utility.py [--repetitions R] [--seed S]
For cohorts of 5, 10, 50 and 500 accounts of a skewed metric (lognormal, median 80, clamped to
its declared bounds 0..1000), draws R cohorts per row and compares the private p50 and p90 of
analytics.private_release.private_percentiles with the exact linear percentiles of
analytics.percentiles.percentiles, for the default evenly spaced candidate grid and for a
geometric one. Prints a Markdown table for the README; asserts nothing. The cohorts are
seeded; the privacy noise comes from OpenDP's unseedable generator, so figures vary a little
between runs.

Each cell is the median over the repetitions of |private - exact| in the metric's unit, with
that error as a share of the exact value in brackets (the bounds are 1000 wide, so the error
/ 10 is its share of the width). The last column is the private mean's median |error|
(analytics.private_release.private_mean) when it spends the epsilon of a whole percentile set.
"""

from __future__ import annotations

import argparse
import statistics
import time
from decimal import Decimal

import numpy as np

from analytics.percentiles import percentiles
from analytics.private_release import (
    MetricBounds,
    default_candidates,
    geometric_candidates,
    private_mean,
    private_percentiles,
)

BOUNDS = MetricBounds(Decimal(0), Decimal(1000))
GRIDS = {"even": default_candidates(BOUNDS), "geometric": geometric_candidates(BOUNDS)}
COHORT_SIZES = (5, 10, 50, 500)
# Per release (one percentile set of one industry x metric); the month's budget is split over
# all releases of an industry (analytics.private_release.split_budget).
EPSILONS = (0.1, 0.25, 1.0, 4.0)
LOGNORMAL_MU = float(np.log(80.0))  # median 80
LOGNORMAL_SIGMA = 1.0  # p90 about 290: the long right tail of revenue-like metrics


def cohort(rng: np.random.Generator, size: int) -> list[float]:
    upper = float(BOUNDS.upper)
    return [
        min(float(value), upper) for value in rng.lognormal(LOGNORMAL_MU, LOGNORMAL_SIGMA, size)
    ]


def cell(errors: list[float], exacts: list[float]) -> str:
    error = statistics.median(errors)
    share = 100 * statistics.median(e / x for e, x in zip(errors, exacts, strict=True))
    return f"{error:.0f} ({share:.0f} %)" if share >= 10 else f"{error:.1f} ({share:.1f} %)"


def row(rng: np.random.Generator, size: int, epsilon: float, repetitions: int) -> str:
    exact: dict[str, list[float]] = {"p50": [], "p90": []}
    errors: dict[tuple[str, str], list[float]] = {
        (name, grid): [] for name in ("p50", "p90") for grid in GRIDS
    }
    mean_errors: list[float] = []
    for _ in range(repetitions):
        values = cohort(rng, size)
        _, exact50, _, exact90 = percentiles(values)
        exact["p50"].append(exact50)
        exact["p90"].append(exact90)
        for grid, candidates in GRIDS.items():
            _, p50, _, p90 = private_percentiles(
                values, bounds=BOUNDS, epsilon=epsilon, candidates=candidates
            )
            errors["p50", grid].append(abs(p50 - exact50))
            errors["p90", grid].append(abs(p90 - exact90))
        released = float(private_mean(values, bounds=BOUNDS, epsilon=epsilon))
        mean_errors.append(abs(released - statistics.fmean(values)))
    cells = [str(size), f"{epsilon:g}"]
    cells += [cell(errors[name, grid], exact[name]) for name in ("p50", "p90") for grid in GRIDS]
    cells.append(f"{statistics.median(mean_errors):.1f}")
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20230401)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    print(
        f"Median |private - exact| over {args.repetitions} cohorts per row (its share of the "
        "exact value in brackets). Values lognormal (median 80, sigma 1) clamped to bounds "
        "0..1000; epsilon per percentile set (p25, p50, p75, p90 at epsilon/4 each); 1,024 "
        "candidates, evenly spaced or geometric (0, then 1 to 1000).\n"
    )
    print(
        "| accounts | epsilon | p50 even grid | p50 geometric | p90 even grid | p90 geometric "
        "| mean |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in COHORT_SIZES:
        for epsilon in EPSILONS:
            print(row(rng, size, epsilon, args.repetitions), flush=True)
    print(f"\n({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
