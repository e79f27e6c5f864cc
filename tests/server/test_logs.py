from __future__ import annotations

import datetime as dt
import itertools
import logging
import math

import orjson
from hypothesis import given
from hypothesis import strategies as st

from server.logs import AccessSample, JsonFormatter, access_log_enabled, log_config, utc_time


def test_records_become_one_json_object_with_their_extras() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("profiling.errors").makeRecord(
            "profiling.errors",
            logging.ERROR,
            __file__,
            1,
            "unexpected error %s",
            ("abc123",),
            exc_info=__import__("sys").exc_info(),
            extra={"request_id": "abc123"},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = orjson.loads(line)
    assert entry["message"] == "unexpected error abc123"
    assert entry["request_id"] == "abc123"
    assert entry["level"] == "error"
    assert entry["logger"] == "profiling.errors"
    assert "ValueError: boom" in entry["exception"]


def test_the_configuration_covers_uvicorn_and_the_app() -> None:
    config = log_config("json")
    assert config["formatters"]["default"] == {"()": JsonFormatter}
    assert {"uvicorn.access", "profiling"} <= set(config["loggers"])
    assert "format" in log_config("text")["formatters"]["default"]


def _access_record(status: int) -> logging.LogRecord:
    # As uvicorn logs a request: client, method, path, HTTP version, status.
    return logging.getLogger("uvicorn.access").makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", "/graphql", "1.1", status),
        None,
    )


@given(share=st.floats(min_value=0.001, max_value=1.0), requests=st.integers(1, 2_000))
def test_a_sampled_access_log_keeps_its_share_of_requests_evenly(
    share: float, requests: int
) -> None:
    sample = AccessSample(share)
    kept = [sample.filter(_access_record(200)) for _ in range(requests)]
    assert kept[0]  # the first request is always logged
    # ceil(n x share) of n requests (give or take one where n x share rounds across a whole).
    assert abs(sum(kept) - math.ceil(requests * share)) <= 1
    logged = [index for index, kept_one in enumerate(kept) if kept_one]
    assert all(b - a <= math.ceil(1 / share) + 1 for a, b in itertools.pairwise(logged))


def test_a_quarter_is_every_fourth_request() -> None:
    sample = AccessSample(0.25)
    assert [sample.filter(_access_record(200)) for _ in range(9)] == [
        True, False, False, False, True, False, False, False, True
    ]  # fmt: skip


def test_server_errors_are_always_logged() -> None:
    sample = AccessSample(0.001)
    sample.filter(_access_record(200))  # spends the first request's credit
    assert [sample.filter(_access_record(status)) for status in (200, 404, 500, 503)] == [
        False,
        False,
        True,
        True,
    ]


def test_the_access_log_is_sampled_or_switched_off_by_the_configuration() -> None:
    assert "filters" not in log_config("json")["loggers"]["uvicorn.access"]
    sampled = log_config("json", access_log_sample=0.1)
    assert sampled["loggers"]["uvicorn.access"]["filters"] == ["access_sample"]
    assert sampled["filters"]["access_sample"] == {"()": AccessSample, "share": 0.1}
    assert access_log_enabled(1.0)
    assert access_log_enabled(0.1)
    assert not access_log_enabled(0)


@given(
    created=st.one_of(
        st.floats(min_value=0, max_value=4e9, allow_nan=False),
        st.integers(0, 4_000_000_000).map(float),
        st.integers(0, 4_000_000_000).map(lambda second: second + 0.9999995),
        st.integers(0, 4_000_000_000).map(lambda second: second + 0.0000005),
    )
)
def test_record_times_are_datetimes_isoformat(created: float) -> None:
    assert utc_time(created) == dt.datetime.fromtimestamp(created, dt.UTC).isoformat()


def _reference_line(record: logging.LogRecord) -> str:
    """JsonFormatter.format before the time was cached and the extras tested in C."""
    standard = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}
    entry: dict[str, object] = {
        "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
        "level": record.levelname.lower(),
        "logger": record.name,
        "message": record.getMessage(),
    }
    entry.update((key, value) for key, value in record.__dict__.items() if key not in standard)
    return orjson.dumps(entry, default=str).decode()


@given(
    extra=st.dictionaries(
        st.sampled_from(["request_id", "path", "code", "color_message", "zeta", "alpha"]),
        st.one_of(st.text(max_size=5), st.integers(-(2**40), 2**40), st.none()),
        max_size=4,
    ),
    created=st.floats(min_value=0, max_value=4e9, allow_nan=False),
)
def test_json_lines_are_as_before(extra: dict[str, object], created: float) -> None:
    record = logging.getLogger("profiling.test").makeRecord(
        "profiling.test", logging.INFO, __file__, 1, "said %s", ("x",), None, extra=extra
    )
    record.created = created
    assert JsonFormatter().format(record) == _reference_line(record)
