"""Privacy tested as an attacker would: every answer a key can get about a cohort, combined
with what the key knows of its own accounts, goes into a solver that tries to pin another
member's exact value. It must fail for every key but an internal one, and succeed for an
internal key (which proves the solver works)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import Any

import httpx
import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.percentiles import round_percentile
from analytics.private_release import MetricBounds, geometric_candidates
from server.app import create_app
from settings import load_settings
from store.jobs.publish import PublishRefused, publish_month
from store.keys import create_key
from store.scope import Role
from store.tables import COHORT_TABLE, METADATA
from tests.api_client import TODAY
from tests.factories import Seed

APRIL = dt.date(2023, 4, 1)
BOUNDS = ("0", "1000")
# Half a cent: published percentiles are rounded to cents, so an exact figure pins a member's
# value to within this. Members' values are drawn at least a cent away from every candidate a
# private percentile can take, so no private figure lands on one by chance.
TOLERANCE = 0.005
_GRID = sorted(
    round_percentile(candidate)
    for candidate in geometric_candidates(MetricBounds(Decimal(BOUNDS[0]), Decimal(BOUNDS[1])))
)

ANSWERS = """query ($own: String!, $withOwn: Boolean!) {
  sectorBenchmarks(metric: "score") { sector cohortSize figureKind p25 p50 p75 p90 }
  sum: industry(industryId: "retail") { metrics(names: ["score"]) { value } }
  pulseReport { figureKind benchmarks { sector metric cohortSize p50 p90 } }
  own: account(accountId: $own) @include(if: $withOwn) {
    comparison(metric: "score") { customerValue customerPercentile sectorP50 sectorP90 } }
}"""


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(METADATA.sorted_tables):
            await connection.execute(delete(table))


async def _publish(
    engine: AsyncEngine, values: Sequence[Decimal], apps: Sequence[str], aggregation: str
) -> None:
    seed = Seed()
    seed.definition("score", "count", aggregation=aggregation, bounds=BOUNDS)
    seed.industry("retail")
    seed.app("north")
    seed.app("south")
    for n, (value, app) in enumerate(zip(values, apps, strict=True)):
        seed.account(f"acc-{n}", app=app, industry="retail")
        seed.metric("account", f"acc-{n}", "score", APRIL.isoformat(), str(value))
    await seed.write(engine)
    await publish_month(
        engine, month=APRIL, today=dt.date.fromisoformat(TODAY), min_cohort=5, privacy_epsilon=1.0
    )


@pytest.fixture
async def http(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings=load_settings({"PROFILING_TODAY": TODAY}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client


async def _answers(
    http: httpx.AsyncClient, key: str, own: str | None
) -> tuple[dict[str, Any], list[str]]:
    response = await http.post(
        "/graphql",
        json={"query": ANSWERS, "variables": {"own": own or "", "withOwn": own is not None}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["data"] is not None, body
    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    return body["data"], codes


def _linear_percentile_row(size: int, share: float) -> np.ndarray[Any, Any]:
    """The coefficients of a linear percentile on the sorted values."""
    row = np.zeros(size)
    position = (size - 1) * share
    low = int(np.floor(position))
    high = min(low + 1, size - 1)
    row[low] += 1 - (position - low)
    row[high] += position - low
    return row


def pinned_values(
    size: int,
    percentiles: dict[float, float],
    total: float | None,
    known: dict[int, float],
) -> dict[int, float]:
    """Every sorted position whose value the answers determine, with that value: a linear
    system on the sorted values (percentiles, a sum, and the attacker's own values at their
    ranks), solved where it pins a position uniquely."""
    rows: list[np.ndarray[Any, Any]] = []
    rhs: list[float] = []
    for share, value in percentiles.items():
        rows.append(_linear_percentile_row(size, share))
        rhs.append(value)
    if total is not None:
        rows.append(np.ones(size))
        rhs.append(total)
    for position, value in known.items():
        row = np.zeros(size)
        row[position] = 1
        rows.append(row)
        rhs.append(value)
    if not rows:
        return {}
    matrix = np.array(rows)
    solution, *_ = np.linalg.lstsq(matrix, np.array(rhs), rcond=None)
    # A position is determined when its unit vector lies in the row space.
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    return {
        position: float(solution[position])
        for position in range(size)
        if null_space.size == 0 or np.all(np.abs(null_space[:, position]) < 1e-9)
    }


def _recovered(
    data: dict[str, Any], values: Sequence[Decimal], own: set[int], aggregation: str
) -> list[int]:
    """Members (by sorted position) whose exact value the attacker pinned, own ones excluded."""
    ordered = sorted(values)
    size = len(ordered)
    (benchmark,) = data["sectorBenchmarks"]
    percentiles = {
        share: benchmark[name]
        for share, name in ((0.25, "p25"), (0.5, "p50"), (0.75, "p75"), (0.9, "p90"))
        if benchmark[name] is not None
    }
    rows = data["sum"]["metrics"] if data["sum"] else []
    total = None
    if rows and aggregation in ("sum", "mean"):
        total = float(rows[0]["value"]) * (1 if aggregation == "sum" else size)
    known = {ordered.index(values[n]): float(values[n]) for n in own}
    found = pinned_values(size, percentiles, total, known)
    return [
        position
        for position, value in found.items()
        if position not in known and abs(value - float(ordered[position])) < TOLERANCE
    ]


def _off_grid(value: float) -> bool:
    at = bisect.bisect_left(_GRID, value)
    near = _GRID[max(at - 1, 0) : at + 1]
    return all(abs(value - candidate) >= 0.01 for candidate in near)


def _cohort(size: int, seed: int, *, ties: bool = False) -> list[Decimal]:
    rng = np.random.default_rng(seed)
    values: list[Decimal] = []
    while len(values) < size:
        value = round(float(rng.uniform(10, 900)), 2)
        if _off_grid(value):
            values.append(Decimal(f"{value:.2f}"))
    if ties:
        values[1] = values[2] = values[0]
    return values


@pytest.mark.parametrize("size", [5, 6, 7])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("aggregation", ["sum", "mean", "median", "min"])
async def test_a_public_key_recovers_no_member_and_an_internal_key_would(
    engine: AsyncEngine, http: httpx.AsyncClient, size: int, ties: bool, aggregation: str
) -> None:
    values = _cohort(size, size * 10 + ties, ties=ties)
    await _publish(engine, values, ["north"] * size, aggregation)
    _, public = await create_key(engine, role=Role.PUBLIC)
    _, internal = await create_key(engine, role=Role.INTERNAL)
    data, codes = await _answers(http, public, None)
    assert data["sectorBenchmarks"][0]["figureKind"] == "DIFFERENTIALLY_PRIVATE"
    assert data["pulseReport"]["figureKind"] == "DIFFERENTIALLY_PRIVATE"
    assert _recovered(data, values, set(), aggregation) == []
    if aggregation == "min":  # one account decides it: never released to a public key
        assert data["sum"]["metrics"] == []
    assert set(codes) <= {"COHORT_TOO_SMALL"}
    exact, _ = await _answers(http, internal, None)
    assert exact["sectorBenchmarks"][0]["figureKind"] == "EXACT"
    if size == 5:  # p25, p50 and p75 of five values are members' values
        assert _recovered(exact, values, set(), aggregation)


async def test_frozen_figures_do_not_change_when_asked_again(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    await _publish(engine, _cohort(6, 3), ["north"] * 6, "mean")
    _, public = await create_key(engine, role=Role.PUBLIC)
    first, _ = await _answers(http, public, None)
    again = [await _answers(http, public, None) for _ in range(3)]
    assert all(answer == first for answer, _ in again)


async def test_an_account_key_of_a_cohort_of_six_learns_nothing_of_its_five_peers(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    values = _cohort(6, 7)
    await _publish(engine, values, ["north"] * 6, "sum")
    _, key = await create_key(engine, role=Role.ACCOUNT, account_id="acc-2")
    data, _ = await _answers(http, key, "acc-2")
    comparison = data["own"]["comparison"]
    assert Decimal(str(comparison["customerValue"])) == pytest.approx(values[2])
    assert comparison["customerPercentile"] is not None  # its own rank and band
    assert _recovered(data, values, {2}, "sum") == []


async def test_an_account_key_in_a_cohort_of_five_is_refused_like_a_small_cohort(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    await _publish(engine, _cohort(5, 8), ["north"] * 5, "sum")
    _, key = await create_key(engine, role=Role.ACCOUNT, account_id="acc-0")
    _, outsider = await create_key(engine, role=Role.PUBLIC)
    data, codes = await _answers(http, key, "acc-0")
    benchmark = data["sectorBenchmarks"][0]
    assert benchmark["cohortSize"] is None
    assert benchmark["p50"] is None
    assert data["own"]["comparison"]["sectorP50"] is None
    assert data["sum"]["metrics"] == []
    assert data["pulseReport"]["benchmarks"] == []
    assert set(codes) == {"COHORT_TOO_SMALL"}
    public, _ = await _answers(http, outsider, None)
    assert public["sectorBenchmarks"][0]["cohortSize"] == 5  # others still get it


async def test_an_app_key_with_four_of_five_members_is_refused(
    engine: AsyncEngine, http: httpx.AsyncClient
) -> None:
    await _publish(engine, _cohort(5, 9), ["north"] * 4 + ["south"], "mean")
    _, north = await create_key(engine, role=Role.APP, app_id="north")
    data, codes = await _answers(http, north, None)
    assert data["sectorBenchmarks"][0]["p50"] is None
    assert data["sum"] is not None
    assert data["sum"]["metrics"] == []
    assert "COHORT_TOO_SMALL" in codes


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    size=st.integers(5, 9),
    seed=st.integers(0, 10_000),
    aggregation=st.sampled_from(["sum", "mean", "median", "min", "max"]),
    owned=st.integers(0, 9),
    kind=st.sampled_from([Role.PUBLIC, Role.APP, Role.ACCOUNT]),
)
async def test_no_key_but_internal_pins_another_members_value(
    engine: AsyncEngine,
    http: httpx.AsyncClient,
    size: int,
    seed: int,
    aggregation: str,
    owned: int,
    kind: Role,
) -> None:
    await _reset(engine)
    values = _cohort(size, seed, ties=seed % 3 == 0)
    owned = min(owned, size)
    apps = ["north"] * owned + ["south"] * (size - owned)
    try:
        await _publish(engine, values, apps, aggregation)
    except PublishRefused:  # pragma: no cover - every generated cohort has values
        pytest.fail("nothing published")
    own: set[int] = set()
    account = None
    if kind is Role.APP:
        _, key = await create_key(engine, role=kind, app_id="north")
        own = set(range(owned))
    elif kind is Role.ACCOUNT:
        account = "acc-0"
        _, key = await create_key(engine, role=kind, account_id=account)
        own = {0}
    else:
        _, key = await create_key(engine, role=kind)
    data, codes = await _answers(http, key, account)
    assert _recovered(data, values, own, aggregation) == []
    assert set(codes) <= {"COHORT_TOO_SMALL"}


async def _comparisons(http: httpx.AsyncClient, key: str, accounts: Sequence[str]) -> Any:
    fields = "customerValue customerPercentile insight sectorP50 sectorP90 figureKind"
    query = " ".join(
        f'a{n}: account(accountId: "{account}") {{ comparison(metric: "score") {{ {fields} }} }}'
        for n, account in enumerate(accounts)
    )
    response = await http.post(
        "/graphql", json={"query": f"{{ {query} }}"}, headers={"Authorization": f"Bearer {key}"}
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def _move_frozen_members(engine: AsyncEngine, moved: dict[str, Decimal]) -> None:
    """Gives some members of the frozen cohort other values, its release left as drawn: what a
    key learns from its answers must not change with the other members' values."""
    cohort = COHORT_TABLE.c
    async with engine.begin() as connection:
        ids, values = (
            await connection.execute(select(cohort.member_ids, cohort.member_values))
        ).one()
        members = sorted(
            (moved.get(account, Decimal(value)), account)
            for account, value in zip(orjson.loads(ids), orjson.loads(values), strict=True)
        )
        await connection.execute(
            update(COHORT_TABLE).values(
                member_ids=orjson.dumps([account for _, account in members]).decode(),
                member_values=orjson.dumps([str(value) for value, _ in members]).decode(),
            )
        )


@pytest.mark.parametrize("kind", [Role.APP, Role.ACCOUNT])
async def test_a_keys_percentiles_tell_nothing_of_the_other_members_values(
    engine: AsyncEngine, http: httpx.AsyncClient, kind: Role
) -> None:
    # An app key with most of a cohort: exact ranks of all its accounts would count the other
    # members between any two of its values (and pin them where its values are close).
    values = _cohort(14, 77)
    apps = ["north"] * 8 + ["south"] * 6
    await _publish(engine, values, apps, "mean")
    north = [f"acc-{n}" for n in range(8)]
    if kind is Role.APP:
        _, key = await create_key(engine, role=kind, app_id="north")
        asked = north
    else:
        _, key = await create_key(engine, role=kind, account_id="acc-0")
        asked = ["acc-0"]
    _, internal = await create_key(engine, role=Role.INTERNAL)
    before = await _comparisons(http, key, asked)
    exact_before = await _comparisons(http, internal, north)
    # The other app's members all move below every value of north, then all above.
    for moved_to in ("5.00", "950.00"):
        await _move_frozen_members(
            engine, {f"acc-{n}": Decimal(moved_to) + n for n in range(8, 14)}
        )
        assert await _comparisons(http, key, asked) == before
        # The move is one the exact ranks would show.
        assert await _comparisons(http, internal, north) != exact_before
    kinds = {answer["comparison"]["figureKind"] for answer in before.values()}
    assert kinds == {"DIFFERENTIALLY_PRIVATE"}


@pytest.mark.parametrize(
    ("kind", "rollup_kind"),
    [
        (Role.INTERNAL, "EXACT"),
        (Role.PUBLIC, "DIFFERENTIALLY_PRIVATE"),
        # With 2 of 7 members the app key still leaves 5 others: it gets the private roll-up.
        (Role.APP, "DIFFERENTIALLY_PRIVATE"),
    ],
)
async def test_an_industrys_roll_up_rows_say_whether_they_are_private(
    engine: AsyncEngine, http: httpx.AsyncClient, kind: Role, rollup_kind: str
) -> None:
    await _publish(engine, _cohort(7, 5), ["north"] * 2 + ["south"] * 5, "sum")
    _, key = await create_key(engine, role=kind, app_id="north" if kind is Role.APP else None)
    response = await http.post(
        "/graphql",
        json={
            "query": '{ industry(industryId: "retail") { metrics { value figureKind } } '
            'account(accountId: "acc-0") { metrics { figureKind } } }'
        },
        headers={"Authorization": f"Bearer {key}"},
    )
    data = response.json()["data"]
    (rollup,) = data["industry"]["metrics"]
    assert rollup["figureKind"] == rollup_kind
    if kind is not Role.PUBLIC:  # a public key sees no account
        assert data["account"]["metrics"] == [{"figureKind": "EXACT"}]


ACCURACY = """query {
  sectorBenchmarks(metric: "score") {
    informative accuracy { confidence rankError rankErrorPercent halfWidth informative
      budgetFactor summary } }
  sum: industry(industryId: "retail") {
    metrics(names: ["score"]) { informative accuracy { halfWidth informative summary } } }
  pulseReport { monthSummary benchmarks { informative accuracy { rankError } } }
  own: account(accountId: "acc-0") {
    comparison(metric: "score") { informative accuracy { rankError } } }
}"""


@pytest.mark.parametrize("aggregation", ["sum", "mean", "median"])
async def test_the_stated_accuracy_depends_on_public_facts_only(
    engine: AsyncEngine, http: httpx.AsyncClient, aggregation: str
) -> None:
    """Two customer bases that differ only in their members' values get the same accuracy
    fields, to the last digit: they read the cohort size, budget and bounds, never values."""
    answers = []
    for seed in (11, 12):
        await _reset(engine)
        await _publish(engine, _cohort(10, seed), ["north"] * 5 + ["south"] * 5, aggregation)
        _, key = await create_key(engine, role=Role.APP, app_id="north")
        response = await http.post(
            "/graphql", json={"query": ACCURACY}, headers={"Authorization": f"Bearer {key}"}
        )
        body = response.json()
        assert "errors" not in body, body
        assert body["data"]["sectorBenchmarks"][0]["accuracy"]["rankError"] > 0
        assert body["data"]["own"]["comparison"]["accuracy"] is not None
        answers.append(body["data"])
    assert answers[0] == answers[1]
