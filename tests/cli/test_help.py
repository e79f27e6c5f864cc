"""Every command's `--help`: boolean options show as flags (`--demo`, not `--demo <bool>`), and
the lazily loaded commands show their help like the others."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer import _click
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

from cli.keys_command import KeyRole
from cli.main import app
from store.scope import Role


def _command_paths(
    command: _click.Command, ctx: _click.Context, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    yield path
    if not isinstance(command, TyperGroup):
        return
    for name in command.list_commands(ctx):
        _, sub, _ = command.resolve_command(ctx, [name])  # loads a lazy command
        assert sub is not None
        yield from _command_paths(
            sub, _click.Context(sub, parent=ctx, info_name=name), (*path, name)
        )


def _all_paths() -> list[tuple[str, ...]]:
    root = get_command(app)
    return list(_command_paths(root, _click.Context(root, info_name="profiling")))


def test_every_command_is_reached() -> None:
    paths = _all_paths()
    for expected in [(), ("serve",), ("ingest",), ("publish",), ("keys",), ("keys", "create")]:
        assert expected in paths


@pytest.mark.parametrize("path", _all_paths(), ids=lambda path: " ".join(path) or "profiling")
def test_help_shows_boolean_options_as_flags(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "Usage: " in result.output
    assert "--help " in result.output


def test_the_flags_of_serve_and_publish_show_alone() -> None:
    serve = CliRunner().invoke(app, ["serve", "--help"], terminal_width=200).output
    publish = CliRunner().invoke(app, ["publish", "--help"], terminal_width=200).output
    for output, flag in ((serve, "--demo"), (serve, "--no-auth"), (publish, "--revise")):
        line = next(line for line in output.splitlines() if line.strip().startswith(flag))
        assert line.strip().split()[1][0].isupper(), line  # the help text follows the flag


def test_the_key_roles_offered_are_the_stores() -> None:
    assert [role.value for role in KeyRole] == [role.value for role in Role]


def test_serve_names_every_endpoint_it_serves() -> None:
    serve = CliRunner().invoke(app, ["serve", "--help"], terminal_width=200).output
    for endpoint in ("/graphql", "/dashboard", "/healthz", "/metrics"):
        assert endpoint in serve
