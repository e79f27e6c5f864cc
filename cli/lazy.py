"""Commands whose module is imported only when the command runs (or shows its own help).

A module that imports heavy libraries at its top (the ingest command imports the whole of
store.ingest, SQLAlchemy and openpyxl) would otherwise cost `profiling --help` and every other
command its import time. The group lists such a command by name and one-line help, and loads
the real Typer command when it is invoked."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """A Typer command function `attribute` of `module`, registered as `name` with `help`."""

    module: str
    attribute: str
    help: str

    def load(self, name: str) -> _click.Command:
        function = getattr(importlib.import_module(self.module), self.attribute)
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(name, help=self.help)(function)
        return get_command(single)


class _Placeholder(TyperCommand):
    """Stands in a group's list of commands for a lazy one until it is invoked."""


class LazyGroup(TyperGroup):
    """A Typer group with `lazy` commands listed first, loaded when they are invoked."""

    lazy: ClassVar[dict[str, LazyCommand]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        placeholders: dict[str, _click.Command] = {
            name: _Placeholder(name, help=command.help, add_help_option=False)
            for name, command in self.lazy.items()
        }
        self.commands = {**placeholders, **self.commands}

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, _Placeholder):
            command = self.lazy[name].load(name)
            self.commands[name] = command
        return name, command, rest
