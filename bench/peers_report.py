"""The benchmark's figures: what was measured, medians with their spread, and the ratios as a
Markdown table that can go in the README as printed."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from peers_load import Load
from peers_queries import LARGE_ACCOUNTS
from peers_servers import FLOOR_NAME, OURS_NAME


@dataclass(frozen=True)
class Measure:
    shape: str  # "small" or "large"
    connections: int
    processes: int

    @property
    def title(self) -> str:
        if self.shape == "large":
            rows = f"{LARGE_ACCOUNTS} accounts, {LARGE_ACCOUNTS * 120:,} rows"
        else:
            rows = "one account, 10 rows"
        connections = "1 connection" if self.connections == 1 else f"{self.connections} connections"
        processes = "1 process" if self.processes == 1 else f"{self.processes} processes"
        return f"{rows}, {connections}, {processes}"

    @property
    def by_time(self) -> bool:
        """The large query is reported as its latency, the small one as throughput."""
        return self.shape == "large"


@dataclass(frozen=True)
class Sample:
    load: Load
    sessions: int | None


@dataclass
class Results:
    # (measure, store, server name) -> one sample per round
    samples: dict[tuple[Measure, str, str], list[Sample]] = field(default_factory=dict)

    def add(self, measure: Measure, store: str, server: str, sample: Sample) -> None:
        self.samples.setdefault((measure, store, server), []).append(sample)

    def measures(self) -> list[Measure]:
        return list(dict.fromkeys(measure for measure, _store, _server in self.samples))

    def stores(self) -> list[str]:
        return list(dict.fromkeys(store for _measure, store, _server in self.samples))

    def servers(self, store: str) -> list[str]:
        return list(dict.fromkeys(s for _m, st, s in self.samples if st == store))

    def get(self, measure: Measure, store: str, server: str) -> list[Sample]:
        return self.samples.get((measure, store, server), [])


def _median(samples: list[Sample], figure: Callable[[Load], float]) -> float:
    return statistics.median(figure(sample.load) for sample in samples)


def _spread(samples: list[Sample], figure: Callable[[Load], float], digits: int) -> str:
    values = [figure(sample.load) for sample in samples]
    median = statistics.median(values)
    return f"{median:,.{digits}f} ({min(values):,.{digits}f}-{max(values):,.{digits}f})"


def _headline(measure: Measure, samples: list[Sample]) -> float:
    """The figure ratios are taken of: req/s, or for the large query the p50 in ms."""
    if measure.by_time:
        return _median(samples, lambda load: load.p50_ms)
    return _median(samples, lambda load: load.rate)


def _sessions(samples: list[Sample]) -> str:
    counts = [sample.sessions for sample in samples if sample.sessions is not None]
    return "-" if not counts else "/".join(str(count) for count in counts)


def detail_table(results: Results) -> str:
    lines = [
        "| measure | store | server | req/s median (min-max) | p50 ms (min-max) | p99 ms "
        "| PostgreSQL sessions opened, per round | failed requests |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for measure in results.measures():
        for store in results.stores():
            for server in results.servers(store):
                samples = results.get(measure, store, server)
                if not samples:
                    continue
                lines.append(
                    f"| {measure.title} | {store} | {server} "
                    f"| {_spread(samples, lambda load: load.rate, 0)} "
                    f"| {_spread(samples, lambda load: load.p50_ms, 1)} "
                    f"| {_median(samples, lambda load: load.p99_ms):,.1f} "
                    f"| {_sessions(samples)} "
                    f"| {sum(sample.load.errors for sample in samples)} |"
                )
    return "\n".join(lines)


def _ratio(mine: list[Sample], theirs: list[Sample], measure: Measure) -> str:
    if not mine or not theirs:
        return "-"
    return f"{_headline(measure, mine) / _headline(measure, theirs):.2f}x"


def _figure(measure: Measure, samples: list[Sample]) -> str:
    if not samples:
        return "-"
    if measure.by_time:
        return f"{_headline(measure, samples):,.0f} ms"
    return f"{_headline(measure, samples):,.0f} req/s"


def ratio_table(results: Results) -> str:
    """ours against each peer, per store and measure. Small query: throughput ratios (above 1,
    ours serves more); large query: latency ratios (above 1, ours is slower)."""
    peers = [
        name
        for store in results.stores()
        for name in results.servers(store)
        if name not in (OURS_NAME, FLOOR_NAME)
    ]
    peers = list(dict.fromkeys(peers))
    columns = [OURS_NAME, *peers, FLOOR_NAME]
    header = "| store | measure | " + " | ".join(columns)
    header += " | " + " | ".join(f"ours / {name}" for name in [*peers, FLOOR_NAME]) + " |"
    lines = [header, "| --- | --- |" + " ---: |" * (2 * len(columns) - 1)]
    for store in results.stores():
        for measure in results.measures():
            mine = results.get(measure, store, OURS_NAME)
            if not mine:
                continue
            figures = [_figure(measure, results.get(measure, store, name)) for name in columns]
            ratios = [
                _ratio(mine, results.get(measure, store, name), measure)
                for name in [*peers, FLOOR_NAME]
            ]
            kind = "latency" if measure.by_time else "throughput"
            lines.append(
                f"| {store} | {measure.title} ({kind}) | " + " | ".join(figures + ratios) + " |"
            )
    return "\n".join(lines)


def _scaling(one: list[Sample], eight: list[Sample]) -> str:
    if not one or not eight:
        return "-"
    rate = statistics.median(s.load.rate for s in eight) / statistics.median(
        s.load.rate for s in one
    )
    return f"{rate:.2f}x"


def scaling_table(results: Results) -> str:
    """Throughput at 8 connections over 1 connection, per server and process count: above 1
    the server gets more done as clients are added."""
    small = [m for m in results.measures() if m.shape == "small"]
    process_counts = sorted({m.processes for m in small})
    header = "| store | server | " + " | ".join(
        f"8 / 1 connections, {count} process{'es' if count > 1 else ''}" for count in process_counts
    )
    lines = [header + " |", "| --- | --- |" + " ---: |" * len(process_counts)]
    for store in results.stores():
        for server in results.servers(store):
            cells = []
            for count in process_counts:
                one = results.get(Measure("small", 1, count), store, server)
                eight = results.get(Measure("small", 8, count), store, server)
                cells.append(_scaling(one, eight))
            lines.append(f"| {store} | {server} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the targets -------------------------------------------------------------------------------

# A warm pool opens no session during a measurement; a pool that a peer lets idle connections
# go from (node-postgres closes them after 10 s) opens at most one per client connection again.
MAX_SESSIONS = 10


def _target(name: str, figure: str, met: bool | None) -> str:
    verdict = "-" if met is None else ("met" if met else "**not met**")
    return f"| {name} | {figure} | {verdict} |"


def _throughput_targets(results: Results, store: str, peer: str | None) -> list[str]:
    lines = []
    floor_share = 0.8 if store == "PostgreSQL" else 0.7
    for connections in (1, 8):
        measure = Measure("small", connections, 1)
        mine = results.get(measure, store, OURS_NAME)
        if not mine:
            continue
        ours_rate = _headline(measure, mine)
        if peer is not None and (theirs := results.get(measure, store, peer)):
            rate = _headline(measure, theirs)
            lines.append(
                _target(
                    f"{store}: {measure.title}, at least {peer}",
                    f"{ours_rate:,.0f} against {rate:,.0f} req/s",
                    ours_rate >= rate,
                )
            )
        if floor := results.get(measure, store, FLOOR_NAME):
            rate = _headline(measure, floor)
            lines.append(
                _target(
                    f"{store}: {measure.title}, at least {floor_share}x the raw floor",
                    f"{ours_rate / rate:.2f}x",
                    ours_rate >= floor_share * rate,
                )
            )
    return lines


def _scaling_targets(results: Results, store: str) -> list[str]:
    lines = []
    for count in sorted({m.processes for m in results.measures()}):
        one = results.get(Measure("small", 1, count), store, OURS_NAME)
        eight = results.get(Measure("small", 8, count), store, OURS_NAME)
        if one and eight:
            ratio = _headline(Measure("small", 8, count), eight) / _headline(
                Measure("small", 1, count), one
            )
            lines.append(
                _target(
                    f"{store}: throughput rises from 1 to 8 connections, {count} process(es)",
                    f"{ratio:.2f}x",
                    ratio >= 1,
                )
            )
    return lines


def _large_targets(results: Results, store: str, peer: str | None) -> list[str]:
    measure = Measure("large", 1, 1)
    mine = results.get(measure, store, OURS_NAME)
    if not mine:
        return []
    ours_ms = _headline(measure, mine)
    lines = []
    if peer is not None and (theirs := results.get(measure, store, peer)):
        their_ms = _headline(measure, theirs)
        lines.append(
            _target(
                f"{store}: {measure.title}, no slower than {peer}",
                f"{ours_ms:,.0f} against {their_ms:,.0f} ms",
                ours_ms <= their_ms,
            )
        )
    if store == "PostgreSQL" and (floor := results.get(measure, store, FLOOR_NAME)):
        floor_ms = _headline(measure, floor)
        lines.append(
            _target(
                f"{store}: {measure.title}, at most 1.5x the raw floor's time",
                f"{ours_ms / floor_ms:.2f}x",
                ours_ms <= 1.5 * floor_ms,
            )
        )
    return lines


def _session_targets(results: Results) -> list[str]:
    lines = []
    for measure in results.measures():
        samples = results.get(measure, "PostgreSQL", OURS_NAME)
        counts = [s.sessions for s in samples if s.sessions is not None]
        if measure.connections > 1 and counts:
            requests = statistics.median(s.load.requests for s in samples)
            lines.append(
                _target(
                    f"PostgreSQL: {measure.title}, at most {MAX_SESSIONS} sessions opened",
                    f"{max(counts)} at most, for about {requests:,.0f} requests",
                    max(counts) <= MAX_SESSIONS,
                )
            )
    return lines


def targets_table(results: Results, postgraphile4: str | None) -> str:
    """The performance targets ours is held to, from this run's medians."""
    lines = ["| target | figure | |", "| --- | ---: | --- |"]
    for store in results.stores():
        peer = postgraphile4 if store == "PostgreSQL" else None
        lines += _throughput_targets(results, store, peer)
        lines += _scaling_targets(results, store)
        lines += _large_targets(results, store, peer)
    lines += _session_targets(results)
    return "\n".join(lines)
