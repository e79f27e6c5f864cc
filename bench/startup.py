"""How long `profiling --help` takes to start: the median of several runs, with their spread.

    .venv/bin/python bench/startup.py [--runs N] [-- ARGS...]

Each run is a fresh process of the installed console script (as a user types it), timed from
start to exit. Other arguments than `--help` may follow `--` (e.g. `-- keys --help`). It prints
figures and asserts nothing; `python -X importtime -c "import cli.main"` says where the time
goes."""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _profiling() -> str:
    found = shutil.which("profiling", path=str(Path(sys.executable).parent))
    if found is None:
        sys.exit("profiling is not installed beside this Python: run `make install` first")
    return found


def time_runs(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, capture_output=True, check=True)  # warm the file cache
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("args", nargs="*", default=["--help"])
    options = parser.parse_args()
    command = [_profiling(), *options.args]
    python = time_runs([sys.executable, "-c", "pass"], options.runs)
    timings = time_runs(command, options.runs)
    quartiles = statistics.quantiles(timings, n=4)
    print(f"profiling {' '.join(options.args)}: {options.runs} runs")
    print(
        f"  median {statistics.median(timings) * 1000:.0f} ms "
        f"(quartiles {quartiles[0] * 1000:.0f}-{quartiles[2] * 1000:.0f} ms, "
        f"min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f})"
    )
    print(f"  a bare `python -c pass`: median {statistics.median(python) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
