"""Options of `profiling segment` kept per app: every later recomputation uses them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.credit import CreditPolicy
from settings import SegmentOptions
from store.jobs.segment import segment_apps
from store.jobs.segment_settings import (
    KeptOptions,
    KeptOptionsConflict,
    forget_options,
    keep_options,
    kept_options,
)
from store.tables import SALE_LINE_TABLE
from store.upsert import upsert
from tests.factories import Seed
from tests.store.sales_support import d, rows_of


def _sale(account: str, amount: str) -> dict[str, Any]:
    return {
        "account_id": account,
        "sale_date": d("2024-01-05"),
        "invoice": "",
        "line": 1,
        "amount": Decimal(amount),
        "quantity": None,
        "cost": None,
        "profit": None,
    }


@pytest.fixture
async def two_apps(engine: AsyncEngine) -> None:
    seed = Seed()
    for name in ("a1", "a2", "a3"):
        seed.account(name, app="north")
    seed.account("b1", app="south")
    seed.account("b2", app="south")
    await seed.write(engine)
    async with engine.begin() as connection:
        await upsert(
            connection,
            SALE_LINE_TABLE,
            [
                _sale(name, amount)
                for name, amount in (("a1", "1"), ("a2", "50"), ("a3", "900"), ("b1", "1"))
            ]
            + [_sale("b2", "900")],
        )


async def _segments(engine: AsyncEngine) -> dict[str, str]:
    """Each account's monetary segment of 2024-Q1."""
    return {row[0]: row[10] for row in await rows_of(engine, "quarter_segment")}


async def test_kept_options_are_used_by_every_later_run_of_their_app_only(
    engine: AsyncEngine, two_apps: None
) -> None:
    async with engine.begin() as connection:
        await keep_options(connection, apps=["north"], options=KeptOptions(max_clusters=1))
        results = await segment_apps(connection)
    # One cluster: every account of north is AVERAGE; south keeps the default (9, so 2 here).
    assert await _segments(engine) == {
        "a1": "AVERAGE",
        "a2": "AVERAGE",
        "a3": "AVERAGE",
        "b1": "BELOW_AVERAGE",
        "b2": "HIGH_VALUE",
    }
    assert [result.summary() for result in results] == [
        "Segments of app north: 3 accounts with sales over 1 quarter, 0 with ledger entries "
        "(options kept for the app: --clusters 1)",
        "Segments of app south: 2 accounts with sales over 1 quarter, 0 with ledger entries",
    ]
    # A later run with the environment's settings (a load's) does not undo them.
    async with engine.begin() as connection:
        await segment_apps(connection, apps=["north"], options=SegmentOptions(max_clusters=9))
    assert (await _segments(engine))["a3"] == "AVERAGE"

    async with engine.begin() as connection:
        await forget_options(connection, apps=["north"])
        await segment_apps(connection, apps=["north"])
        assert await kept_options(connection) == {}
    assert (await _segments(engine))["a3"] == "HIGH_VALUE"


async def test_options_given_later_are_kept_over_earlier_ones(
    engine: AsyncEngine, two_apps: None
) -> None:
    async with engine.begin() as connection:
        await keep_options(
            connection,
            apps=["north", "south"],
            options=KeptOptions(max_clusters=3, payment_terms_days=45),
        )
        await keep_options(
            connection, apps=["south"], options=KeptOptions(max_clusters=2, low_risk_from=80)
        )
        kept = await kept_options(connection)
    assert kept == {
        "north": KeptOptions(max_clusters=3, payment_terms_days=45),
        "south": KeptOptions(max_clusters=2, payment_terms_days=45, low_risk_from=80),
    }
    assert kept["south"].describe() == "--clusters 2 --payment-terms-days 45 --low-risk-score 80"
    assert kept["south"].apply(SegmentOptions(recent_quarters=2)) == SegmentOptions(
        max_clusters=2,
        recent_quarters=2,
        credit=CreditPolicy(payment_terms_days=45, low_risk_from=80),
    )


async def test_kept_options_that_no_longer_fit_the_environment_are_refused_whole(
    engine: AsyncEngine, two_apps: None
) -> None:
    async with engine.begin() as connection:
        await keep_options(connection, apps=["north"], options=KeptOptions(low_risk_from=50))
    environment = SegmentOptions(credit=CreditPolicy(low_risk_from=80, high_risk_below=60))
    with pytest.raises(KeptOptionsConflict) as caught:
        async with engine.begin() as connection:
            await segment_apps(connection, apps=["north"], options=environment)
    assert str(caught.value) == (
        "app north's segment options (--low-risk-score 50) do not fit with the environment's "
        "settings: credit thresholds must satisfy 0 <= high-risk score <= low-risk score "
        "<= 100, got high risk below 60 and low risk from 50; give other options with "
        "`profiling segment --app north`, or forget them with `profiling segment --app north "
        "--reset`"
    )
    assert await rows_of(engine, "quarter_segment") == []
