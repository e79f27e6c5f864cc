"""An unreachable Redis behind the rate limits: warned about at startup, then at most once a
minute however many requests it fails, and once more when it answers again."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from server.outage_log import OutageLog
from settings import RateLimits, load_settings
from store.keys import create_key
from store.scope import Role
from tests.api_client import TODAY

LOGGER = "profiling.rate_limits"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port that nobody listens on: bound by a socket that does not listen."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER and record.levelno == logging.WARNING
    ]


async def test_an_unreachable_redis_is_warned_about_at_startup_not_on_every_request(
    engine: AsyncEngine, closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    _, key = await create_key(engine, role=Role.INTERNAL)
    limits = RateLimits(rate=0.01, burst=3_000_000, redis_url=f"redis://127.0.0.1:{closed_port}/6")
    app = create_app(
        settings=replace(load_settings({"PROFILING_TODAY": TODAY}), rate_limits=limits),
        engine=engine,
    )
    with caplog.at_level(logging.INFO, logger=LOGGER):
        async with app.router.lifespan_context(app):
            started = _warnings(caplog)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                for _ in range(5):
                    response = await http.post(
                        "/graphql",
                        json={"query": "{ __typename }"},
                        headers={"Authorization": f"Bearer {key}"},
                    )
                    assert response.status_code == 200
    assert len(started) == 1
    (warning,) = started
    assert warning.startswith("rate limit store unavailable (ConnectionError: "), warning
    assert f"at redis://127.0.0.1:{closed_port}/6): requests are admitted without rate limits" in (
        warning
    )
    # Five requests, each failing to reach Redis: not one more line within the minute.
    assert _warnings(caplog) == started


def test_an_outage_is_warned_about_at_most_once_a_minute_and_its_end_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    log = OutageLog(
        logging.getLogger(LOGGER), "store", "redis://r", "admitted", every=60, clock=clock
    )
    with caplog.at_level(logging.INFO, logger=LOGGER):
        log.failed(ConnectionError("refused"))
        for _ in range(30):
            clock.now += 1
            log.failed(ConnectionError("refused"))
        assert len(_warnings(caplog)) == 1
        clock.now += 30  # 60 s after the first warning
        log.failed(TimeoutError())
        warnings = _warnings(caplog)
        assert len(warnings) == 2
        assert warnings[1] == (
            "store unavailable (TimeoutError at redis://r): admitted; next warning in 60 s at "
            "the earliest (31 failures since the last warning)"
        )
        log.answered()
        log.answered()
        assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == [
            "store available again (redis://r)"
        ]
        # A new outage is warned about at once.
        clock.now += 1
        log.failed(ConnectionError("refused"))
        assert len(_warnings(caplog)) == 3
