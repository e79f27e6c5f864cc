"""The house rules, read off the source: layers import inward only, web frameworks stay in
their layers, library internals go through one door, and every imported package is declared.

Layers, outermost first (README, Development): cli -> server -> schema -> resolvers -> demo ->
store -> settings -> analytics. A module may import its own layer and the layers after it."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("cli", "server", "schema", "resolvers", "demo", "store", "settings", "analytics")
# The one module per library that may touch its private names (none of the others may).
DOORS = {
    "strawberry": ROOT / "schema" / "execution" / "internals.py",
    "graphql": ROOT / "schema" / "execution" / "internals.py",
    # Babel keeps unit patterns in locale data it does not expose (the one formatting module).
    "babel": ROOT / "analytics" / "formatting.py",
}


def _modules() -> list[Path]:
    return sorted(path for layer in LAYERS for path in (ROOT / layer).rglob("*.py"))


def _layer(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _imports(tree: ast.AST) -> Iterator[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for every import, nested ones included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names], node.lineno


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def test_every_layer_imports_only_inward() -> None:
    wrong = []
    for path in _modules():
        rank = LAYERS.index(_layer(path))
        for module, _names, line in _imports(_tree(path)):
            top = module.split(".")[0]
            if top in LAYERS and LAYERS.index(top) < rank:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert wrong == []


# Where each web or GraphQL library may be imported. Resolvers raise GraphQL errors and batch
# with Strawberry's DataLoader (a plain batching utility: no schema, no execution).
ALLOWED = {
    "starlette": {"server", "cli"},
    "uvicorn": {"server", "cli"},
    "strawberry": {"server", "schema", "cli"},
    "graphql": {"server", "schema", "cli"},
}
ALLOWED_IN_RESOLVERS = {"strawberry.dataloader", "graphql"}


def test_web_and_graphql_libraries_stay_above_the_store() -> None:
    wrong = []
    for path in _modules():
        layer = _layer(path)
        for module, _names, line in _imports(_tree(path)):
            top = module.split(".")[0]
            if top not in ALLOWED or layer in ALLOWED[top]:
                continue
            if layer == "resolvers" and module in ALLOWED_IN_RESOLVERS:
                continue
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert wrong == []


def _private_names(tree: ast.AST) -> Iterator[str]:
    """Names with one leading underscore that a module defines or assigns."""
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = node.name
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            name = node.attr
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            name = node.id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
        if name and re.fullmatch(r"_[A-Za-z0-9][A-Za-z0-9_]*", name) and not name.endswith("__"):
            yield name


@cache
def _library_private_names(library: str) -> frozenset[str]:
    names: set[str] = set()
    package = Path(__import__(library).__file__ or "").parent
    for path in package.rglob("*.py"):
        try:
            names.update(_private_names(ast.parse(path.read_text(encoding="utf-8"))))
        except (SyntaxError, UnicodeDecodeError):  # pragma: no cover - a broken file
            continue
    ours = {name for path in _modules() for name in _private_names(_tree(path))}
    # A name we define ourselves is ours to use, whatever a library also calls it.
    return frozenset(names - ours)


def test_library_internals_are_reached_through_one_module_per_library() -> None:
    private = {library: _library_private_names(library) for library in DOORS}
    assert "_raw_info" in private["strawberry"]  # the scan sees the libraries' private names
    wrong = []
    for path in _modules():
        for node in ast.walk(_tree(path)):
            names: list[str] = []
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                names = [node.attr]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in DOORS:
                names = [alias.name for alias in node.names if alias.name.startswith("_")]
            for name in names:
                owners = [library for library, hidden in private.items() if name in hidden]
                if owners and all(DOORS[library] != path for library in owners):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {name}")
    assert wrong == []


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return {
        _normalized(re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0])
        for requirement in requirements
    }


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared() -> None:
    distributions = importlib.metadata.packages_distributions()
    declared = _declared()
    missing = []
    for path in _modules():
        for module, _names, line in _imports(_tree(path)):
            top = module.split(".")[0]
            if top in LAYERS or top in sys.stdlib_module_names or top == "__future__":
                continue
            owners = {_normalized(owner) for owner in distributions.get(top, [top])}
            if not owners & declared:
                missing.append(f"{path.relative_to(ROOT)}:{line} imports {module} ({owners})")
    assert missing == []


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_is_a_package(layer: str) -> None:
    assert (ROOT / layer / "__init__.py").exists()
