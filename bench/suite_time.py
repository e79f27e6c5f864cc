"""Where the test suite's time goes: CPU and wall seconds per test file, setup apart.

    .venv/bin/python bench/suite_time.py record OUT.jsonl [PYTEST ARGS...]
    .venv/bin/python bench/suite_time.py report OUT.jsonl [--top N] [--against BEFORE.jsonl]

`record` runs pytest with a plugin that writes, for every test and phase (setup, call,
teardown), the CPU seconds of this process and of the subprocesses it waited for (a
`profiling` run, LibreOffice), and the wall seconds. `report` sums them per file, the
costliest first; with `--against`, side by side with an earlier recording.

CPU seconds hardly move with the machine's load, where wall seconds grow with it (a machine
shared by several runs): compare CPU between runs, and give the load average (`uptime`) with
any wall figure. Time a PostgreSQL server spends is in the wall figure only. It prints figures
and asserts nothing."""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import IO, Any

import pytest


class Recorder:
    """The pytest plugin: one JSON line per test and phase."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    @staticmethod
    def _cpu() -> tuple[float, float]:
        times = os.times()
        return times.user + times.system, times.children_user + times.children_system

    def _measured(self, phase: str) -> Callable[..., Generator[None, None, None]]:
        def hook(item: pytest.Item, *_: Any, **__: Any) -> Generator[None, None, None]:
            own, children = self._cpu()
            started = time.perf_counter()
            yield
            own_after, children_after = self._cpu()
            line = {
                "id": item.nodeid,
                "phase": phase,
                "cpu": round(own_after - own, 4),
                "children": round(children_after - children, 4),
                "wall": round(time.perf_counter() - started, 4),
            }
            self.out.write(json.dumps(line) + "\n")

        return hook

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, None, None]:
        yield from self._measured("setup")(item)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        yield from self._measured("call")(item)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, None, None]:
        yield from self._measured("teardown")(item)


def record(out: Path, pytest_args: list[str]) -> int:
    with out.open("w", buffering=1) as stream:
        return int(pytest.main(pytest_args, plugins=[Recorder(stream)]))


Totals = dict[str, dict[str, float]]


def totals(path: Path) -> Totals:
    by_file: Totals = collections.defaultdict(lambda: collections.defaultdict(float))
    for line in path.read_text().splitlines():
        row = json.loads(line)
        figures = by_file[row["id"].split("::")[0]]
        cpu = row["cpu"] + row["children"]
        figures["cpu"] += cpu
        figures["wall"] += row["wall"]
        figures["children"] += row["children"]
        if row["phase"] == "setup":
            figures["setup cpu"] += cpu
            figures["setup wall"] += row["wall"]
        if row["phase"] == "call":
            figures["tests"] += 1
    return by_file


def report(path: Path, top: int, against: Path | None) -> None:
    now = totals(path)
    before = totals(against) if against is not None else {}
    print(
        f"all: {sum(f['tests'] for f in now.values()):.0f} tests, "
        f"{sum(f['cpu'] for f in now.values()):.1f} s CPU, "
        f"{sum(f['wall'] for f in now.values()):.1f} s wall"
    )
    header = "   cpu   wall | setup cpu  wall | children | tests file"
    print(header + ("  (cpu before)" if before else ""))
    for name, f in sorted(now.items(), key=lambda item: -item[1]["cpu"])[:top]:
        line = (
            f"{f['cpu']:6.1f} {f['wall']:6.1f} | {f['setup cpu']:9.1f} {f['setup wall']:5.1f} |"
            f" {f['children']:8.1f} | {f['tests']:5.0f} {name}"
        )
        if name in before:
            line += f"  ({before[name]['cpu']:.1f})"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    recording = commands.add_parser("record", help="run pytest and record its times")
    recording.add_argument("out", type=Path)
    reporting = commands.add_parser("report", help="sum a recording per file")
    reporting.add_argument("out", type=Path)
    reporting.add_argument("--top", type=int, default=30)
    reporting.add_argument("--against", type=Path, default=None)
    arguments, rest = parser.parse_known_args()
    if arguments.command == "record":
        sys.exit(record(arguments.out, rest))
    if rest:
        parser.error(f"unknown arguments: {' '.join(rest)}")
    report(arguments.out, arguments.top, arguments.against)


if __name__ == "__main__":
    main()
