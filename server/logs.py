"""Structured logs: one JSON object per line, so that a log system can search by request id.

The access log (uvicorn's line per request) can be sampled or switched off
(`PROFILING_ACCESS_LOG_SAMPLE`): formatting and writing a JSON line costs about as much as a
small query's own database read (docs/performance.md). A sampled log keeps an exact share of
the requests, spread evenly, and every answer of status 500 and up."""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
from typing import Any

import orjson

# Attributes every LogRecord has; anything else was passed through `extra=` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": utc_time(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        attributes = record.__dict__
        # Most records (every access line) have no extras: a subset test in C says so before
        # the loop in Python that keeps the extras' order.
        if not attributes.keys() <= _STANDARD:
            entry.update((key, value) for key, value in attributes.items() if key not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


# The last whole second written and its text, replaced as one tuple (records may be formatted
# in several threads).
_last_second: tuple[float, str] = (math.nan, "")


def utc_time(created: float) -> str:
    """`dt.datetime.fromtimestamp(created, dt.UTC).isoformat()`, character for character, with
    the date and time of the whole second made once a second: that call cost about 16,000
    instructions a record, a fifth of an access line (docs/performance.md). The microseconds
    are rounded as datetime rounds them (half to even, a carry into the next second)."""
    fraction, second = math.modf(created)
    micro = round(fraction * 1e6)
    if micro >= 1_000_000:
        second += 1.0
        micro -= 1_000_000
    elif micro < 0:
        second -= 1.0
        micro += 1_000_000
    global _last_second
    last, text = _last_second
    if second != last:
        text = dt.datetime.fromtimestamp(second, dt.UTC).isoformat()[:-6]
        _last_second = (second, text)
    if micro:
        return f"{text}.{micro:06d}+00:00"
    return f"{text}+00:00"


# uvicorn's access log record: its arguments are client, method, path, HTTP version, status.
_STATUS_ARGUMENT = 4


class AccessSample(logging.Filter):
    """Lets `share` of the access log's records through, spread evenly and deterministically
    (a share of 0.25 logs the first request and every fourth after it: ceil(n x share) of n),
    and every server error."""

    def __init__(self, share: float) -> None:
        super().__init__()
        self._share = share
        self._seen = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        arguments = record.args
        if isinstance(arguments, tuple) and len(arguments) > _STATUS_ARGUMENT:
            status = arguments[_STATUS_ARGUMENT]
            if isinstance(status, int) and status >= 500:
                return True
        with self._lock:
            seen = self._seen
            self._seen += 1
        # Request k is logged when the running count of requests owed a line goes up.
        return math.ceil(seen * self._share) < math.ceil((seen + 1) * self._share)


def lean_records() -> None:
    """Log records made without what no line of ours prints: the caller's file, line and
    function (a walk up the stack for every record), the thread's, process's and
    multiprocessing's names (the logging HOWTO's "Optimization"). Neither format prints them
    (`JsonFormatter` leaves every standard attribute out; the text format prints the time,
    level, logger and message), so the lines are the same, and the access log's line costs
    less. Process-wide: the serving process calls it (server/served_app.py)."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def access_log_enabled(share: float) -> bool:
    """Whether the server writes an access log at all (a share of 0 switches it off, so that
    uvicorn does not even build the records)."""
    return share > 0


def log_config(log_format: str, *, access_log_sample: float = 1.0) -> dict[str, Any]:
    """A logging configuration for uvicorn and the app: JSON lines, or plain text for people;
    the access log keeps `access_log_sample` of the requests."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "stream": "ext://sys.stderr",
    }
    loggers: dict[str, dict[str, Any]] = {
        name: {"handlers": ["default"], "level": "INFO", "propagate": False}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "profiling")
    }
    filters: dict[str, Any] = {}
    if 0 < access_log_sample < 1:
        filters["access_sample"] = {"()": AccessSample, "share": access_log_sample}
        loggers["uvicorn.access"]["filters"] = ["access_sample"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": filters,
        "handlers": {"default": handler},
        "loggers": loggers,
    }
