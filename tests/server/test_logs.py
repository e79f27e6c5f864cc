from __future__ import annotations

import logging

import orjson

from server.logs import JsonFormatter, log_config


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
