"""PostGraphile from the npm registry, installed once into a cache folder outside the repository.

Each major version gets a folder of its own (`<cache>/postgraphile4`, `<cache>/postgraphile5`)
that `bench/postgraphile_cluster.js` loads it from. Nothing of it is ever committed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parent / "postgraphile_cluster.js"


@dataclass(frozen=True)
class Installed:
    major: int
    version: str
    folder: Path
    node_engines: str

    @property
    def label(self) -> str:
        return f"PostGraphile {self.version}"


def node_version() -> str | None:
    node = shutil.which("node")
    if node is None:
        return None
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()


def install(cache: Path, major: int) -> Installed | str:
    """The installed package, or why it could not be installed (one line)."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        return "node and npm are missing (install Node.js 20 or later)"
    folder = cache / f"postgraphile{major}"
    manifest = folder / "node_modules" / "postgraphile" / "package.json"
    if not manifest.exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"Installing postgraphile@{major} from the npm registry into {folder}", flush=True)
        result = subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(folder),
                "--no-audit",
                "--no-fund",
                f"postgraphile@{major}",
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 or not manifest.exists():
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            return f"npm install postgraphile@{major} failed: {last}"
    package = json.loads(manifest.read_text(encoding="utf-8"))
    return Installed(
        major=major,
        version=str(package["version"]),
        folder=folder,
        node_engines=str(package.get("engines", {}).get("node", "")),
    )


def node_too_old(installed: Installed, node: str) -> str | None:
    """Why this Node cannot run the package (its `engines` asks for a newer major), or None."""
    wanted = re.fullmatch(r">=\s*(\d+)(?:\.\d+)*", installed.node_engines.strip())
    have = re.match(r"v(\d+)", node)
    if wanted is None or have is None or int(have.group(1)) >= int(wanted.group(1)):
        return None
    return (
        f"{installed.label} needs Node {installed.node_engines} and this machine has {node}: "
        "there it starts, but every query fails inside grafast, which calls "
        "Promise.withResolvers (a Node 22 API)"
    )
