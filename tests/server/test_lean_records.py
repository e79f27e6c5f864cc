"""Log records made without the caller's place and the thread's and process's names
(`lean_records`, server/logs.py) print the same lines in both formats: neither prints them."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.logs import lean_records, log_config

_FLAGS = ("_srcfile", "logThreads", "logProcesses", "logMultiprocessing")


def _lines(log_format: str, message: str, extra: dict[str, str], *, failing: bool) -> list[str]:
    """What loggers configured as the server's write for one record of the app and one access
    line, with the time fixed (loggers of their own: the process's logging is left alone)."""
    stream = io.StringIO()
    formatter_config = dict(log_config(log_format)["formatters"]["default"])
    formatter = (
        formatter_config["()"]()
        if "()" in formatter_config
        else logging.Formatter(formatter_config["format"])
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    errors, access = logging.Logger("profiling.errors"), logging.Logger("uvicorn.access")
    for logger in (errors, access):
        logger.addHandler(handler)
    created = logging.LogRecord.__init__

    def fixed(record: logging.LogRecord, *args: object, **kwargs: object) -> None:
        created(record, *args, **kwargs)  # type: ignore[arg-type]
        record.created, record.msecs = 1764990000.25, 250.0

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(logging.LogRecord, "__init__", fixed)
        if failing:
            try:
                raise ValueError(message)
            except ValueError:
                errors.error("failed %s", message, exc_info=sys.exc_info(), extra=extra)
        else:
            errors.info("said %s", message, extra=extra)
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:4000", "POST", "/graphql", "1.1", 200)
    return stream.getvalue().splitlines()


@settings(max_examples=30, deadline=None)
@given(
    log_format=st.sampled_from(["json", "text"]),
    message=st.text(max_size=20),
    extra=st.dictionaries(st.sampled_from(["request_id", "path", "code"]), st.text(max_size=8)),
    failing=st.booleans(),
)
def test_lean_records_print_the_same_lines(
    log_format: str, message: str, extra: dict[str, str], failing: bool
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        for flag in _FLAGS:
            patch.setattr(logging, flag, getattr(logging, flag))
        full = _lines(log_format, message, extra, failing=failing)
        lean_records()
        assert logging._srcfile is None
        lean = _lines(log_format, message, extra, failing=failing)
    assert lean == full
    assert "POST /graphql" in full[-1]
