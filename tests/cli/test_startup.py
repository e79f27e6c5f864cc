"""`profiling --help` and the start of every command import no heavy library: those come in
inside the commands that use them. (How long start-up takes is measured by bench/startup.py,
not asserted here.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "starlette",
    "strawberry",
    "graphql",
    "numpy",
    "sklearn",
    "openpyxl",
    "opendp",
    "babel",
    "rich",
    "settings",
    "store",
    "schema",
    "server",
    "demo",
    # Imports store.ingest and the like at its top: loaded when `ingest` runs (cli/lazy.py).
    "cli.ingest_command",
)

PROGRAM = """
import json, sys
from cli.main import app
try:
    app(%r, prog_name="profiling")
except SystemExit:
    pass
names = set(sys.modules) | {name.split(".")[0] for name in sys.modules}
heavy = sorted(names & set(%r))
print(json.dumps(heavy), file=sys.stderr)
"""


def _heavy_imports(args: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM % (args, HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["serve", "--help"],
        ["demo", "--help"],
        ["keys", "create", "--help"],
        ["publish", "--help"],
    ],
    ids=" ".join,
)
def test_help_imports_no_heavy_library(args: list[str]) -> None:
    assert _heavy_imports(args) == []
