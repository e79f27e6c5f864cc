"""The app that `profiling serve` runs, built inside each server process.

uvicorn starts `--workers N` processes by importing this factory in each of them, so every
worker builds its own app and its own engine (a database connection cannot cross processes).
The factory reads the same environment as the command; `serve` adds whether keys are required."""

from __future__ import annotations

import asyncio
import gc
import importlib.util

from starlette.applications import Starlette

from server.app import create_app
from server.forwarded import forwarded_allow_ips
from server.logs import lean_records
from settings import load_settings

FACTORY = "server.served_app:served_app"


def served_app() -> Starlette:
    settings = load_settings()
    # uvicorn runs without its proxy headers' middleware: the app applies it where it is needed.
    app = create_app(
        settings=settings,
        require_keys=not settings.serve_no_auth,
        forwarded_allow_ips=forwarded_allow_ips(),
    )
    lean_records()
    freeze_startup_objects()
    return app


def freeze_startup_objects() -> None:
    """Move what the process has built so far (modules, the schema, SQLAlchemy's and Babel's
    tables: some 700,000 objects) out of the garbage collector's reach. They live as long as
    the process, and without this every full collection walks them again while a large answer
    is being built: 120,000 metric rows took 1.5 s instead of 1.1 s."""
    gc.collect()
    gc.freeze()


def event_loop() -> str:
    """uvloop where it is installed (uvicorn[standard] brings it on Linux and macOS)."""
    return "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"


def http_parser() -> type[asyncio.Protocol] | str:
    """uvicorn's httptools protocol where httptools is installed, writing each response's head
    and body in one system call (server/response_writes.py); else uvicorn's pure-Python h11."""
    if importlib.util.find_spec("httptools") is None:
        return "h11"
    from server.response_writes import OneWriteHttpToolsProtocol

    return OneWriteHttpToolsProtocol
