"""The Dockerfile copies every package that pyproject installs (a package left out of the image
fails only when the container starts), and keeps the image's user unprivileged."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return {pattern.rstrip("*").rstrip(".") for pattern in include}


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_every_package_is_copied_into_the_image() -> None:
    copied = set(re.findall(r"^COPY (\S+) \1$", _dockerfile(), flags=re.MULTILINE))
    assert _packages() <= copied
    for package in _packages():
        assert (ROOT / package / "__init__.py").exists(), package


def test_the_image_runs_as_an_unprivileged_user() -> None:
    users = re.findall(r"^USER (\S+)$", _dockerfile(), flags=re.MULTILINE)
    assert users
    assert users[-1] not in ("root", "0")


def test_the_build_context_keeps_the_packages() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert not ignored & (_packages() | {"pyproject.toml", "README.md"})


def _minutes(pattern: str, text: str) -> int:
    found = re.search(pattern, " ".join(text.split()))
    assert found, pattern
    return int(found[1])


def test_the_health_check_waits_for_the_first_start_the_readme_describes() -> None:
    """The first start loads the demo before it serves: a start period shorter than what the
    README says a busy machine took would mark a container that is still loading unhealthy."""
    start_period = re.search(r"--start-period=(\d+)s", _dockerfile())
    assert start_period
    readme = (ROOT / "README.md").read_text()
    allowed = _minutes(r"the health check allows (\d+) minutes", readme)
    seen = _minutes(r"\((\d+) minutes seen on a loaded", readme)
    assert int(start_period[1]) == allowed * 60
    # A margin over the slowest first start seen: the first probe that answers ends the start
    # period, so a long one costs a fast start nothing.
    assert allowed >= 2 * seen
