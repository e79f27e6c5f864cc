"""Refresh the vendored browser assets of our pages from the npm registry: `make assets`.

Every package is pinned below. The script packs each one with `npm pack` into a temporary
folder (no node_modules ever lands in the repository), copies the builds the pages load and
the package's licence into `server/pages/static/vendor/<package>-<version>/`, minifies the
builds that upstream ships unminified (esbuild, also pinned and also temporary), and writes
`vendor/manifest.json`: each package's version, its npm integrity and the SHA-256 of every
file, which the tests check against the files and against the pins here.

Bump a version here, run `make assets`, run the browser test (tests/server/pages/), commit.
Needs Node and npm with access to the npm registry; uses nothing but the standard library."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "static" / "vendor"
MANIFEST = "manifest.json"
ESBUILD = "esbuild@0.28.2"

# Upstream leaves these comments in; we do not ship the maps they point to.
_SOURCE_MAP = re.compile(rb"\n?(//# sourceMappingURL=\S*|/\*# sourceMappingURL=\S* \*/)\s*$")


@dataclass(frozen=True)
class Package:
    """An npm package, the files we take from it (its path -> our name) and its licences."""

    name: str
    version: str
    files: dict[str, str]
    # Files upstream ships unminified (esbuild minifies them; licence comments are kept).
    minify: frozenset[str] = frozenset()
    licence: str | None = "LICENSE"
    # Licences from other packages: a package that ships none, or code bundled into its build.
    extra_licences: tuple[tuple[str, str], ...] = field(default=())

    @property
    def folder(self) -> str:
        return f"{self.name.removeprefix('@').replace('/', '-')}-{self.version}"


# GraphiQL 3 is the last major with a build for <script> tags (4 deprecated it, 5 needs a
# bundler and Monaco's workers); plugin-explorer 1.0.2 is the UMD build made for it. Both are
# the versions Strawberry 0.341's own page loads from a CDN. React 18 is the last with UMD.
PACKAGES = (
    Package(
        "react",
        "18.3.1",
        {"umd/react.production.min.js": "react.production.min.js"},
    ),
    Package(
        "react-dom",
        "18.3.1",
        {"umd/react-dom.production.min.js": "react-dom.production.min.js"},
    ),
    Package(
        "graphiql",
        "3.8.3",
        {"graphiql.min.js": "graphiql.min.js", "graphiql.min.css": "graphiql.min.css"},
        # Despite the name, both are webpack's readable output (3.5 MB; 1.5 MB minified).
        minify=frozenset({"graphiql.min.js", "graphiql.min.css"}),
    ),
    Package(
        "@graphiql/plugin-explorer",
        "1.0.2",
        {"dist/index.umd.js": "index.umd.js", "dist/style.css": "style.css"},
        # The package declares MIT but ships no licence file: the GraphiQL monorepo's licence,
        # and that of graphiql-explorer, which its build bundles.
        licence=None,
        extra_licences=(("graphiql@3.8.3", "LICENSE"), ("graphiql-explorer@0.9.0", "LICENSE")),
    ),
)


def _run(*command: str, cwd: Path) -> str:
    try:
        done = subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        sys.exit(f"refresh-assets: {command[0]} is not installed (Node.js and npm are needed)")
    except subprocess.CalledProcessError as exc:
        sys.exit(f"refresh-assets: {' '.join(command)} failed:\n{exc.stderr.strip()}")
    return done.stdout


def _unpack(spec: str, work: Path) -> tuple[Path, str]:
    """The unpacked package folder of an npm spec (name@version) and its npm integrity."""
    packed = json.loads(_run("npm", "pack", "--json", "--silent", spec, cwd=work))[0]
    target = work / packed["filename"].removesuffix(".tgz")
    with tarfile.open(work / packed["filename"]) as archive:
        archive.extractall(target, filter="data")
    return target / "package", str(packed["integrity"])


def _esbuild(work: Path) -> Path:
    tools = work / "esbuild"
    tools.mkdir()
    _run("npm", "install", "--silent", "--no-save", "--no-audit", "--no-fund",
         "--prefix", str(tools), ESBUILD, cwd=work)  # fmt: skip
    return tools / "node_modules" / ".bin" / "esbuild"


def _licence_text(spec: str, path: str, work: Path) -> str:
    unpacked, _ = _unpack(spec, work)
    return f"{spec} ({path}):\n\n{(unpacked / path).read_text(encoding='utf-8').strip()}\n"


def refresh(vendor: Path = VENDOR) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="profiling-assets-") as temporary:
        work = Path(temporary)
        esbuild: Path | None = None
        staged = work / "vendor"
        manifest: dict[str, object] = {}
        for package in PACKAGES:
            print(f"{package.name}@{package.version}", flush=True)
            unpacked, integrity = _unpack(f"{package.name}@{package.version}", work)
            folder = staged / package.folder
            folder.mkdir(parents=True)
            for source, name in package.files.items():
                if source in package.minify or name in package.minify:
                    esbuild = esbuild or _esbuild(work)
                    _run(str(esbuild), str(unpacked / source), "--minify",
                         "--log-level=error", f"--outfile={folder / name}", cwd=work)  # fmt: skip
                else:
                    shutil.copyfile(unpacked / source, folder / name)
                body = (folder / name).read_bytes()
                (folder / name).write_bytes(_SOURCE_MAP.sub(b"\n", body).rstrip(b"\n") + b"\n")
            licences = []
            if package.licence is not None:
                licences.append((unpacked / package.licence).read_text(encoding="utf-8").strip())
            for spec, path in package.extra_licences:
                licences.append(_licence_text(spec, path, work).strip())
            (folder / "LICENSE").write_text("\n\n---\n\n".join(licences) + "\n", encoding="utf-8")
            manifest[package.name] = {
                "version": package.version,
                "folder": package.folder,
                "integrity": integrity,
                "files": {
                    path.name: hashlib.sha256(path.read_bytes()).hexdigest()
                    for path in sorted(folder.iterdir())
                },
            }
        (staged / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if vendor.exists():
            shutil.rmtree(vendor)
        shutil.copytree(staged, vendor)
    return manifest


def main() -> None:
    manifest = refresh()
    total = sum(path.stat().st_size for path in VENDOR.rglob("*") if path.is_file())
    print(f"{len(manifest)} packages in {VENDOR} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
