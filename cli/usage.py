"""Usage mistakes (an unknown command, option or choice, a missing argument, a value of the
wrong type) said in one line, with exit status 1 like every other refusal of the command.

Click would print its usage block, a hint and the error on three lines or more (a missing
choice lists each choice on a line of its own) and exit 2. The root group catches the
mistake of any command under it here, once, so that no option needs a check of its own.
`--help`, and a group called without a command (which shows its help), are left as they are."""

from __future__ import annotations

from typing import Any

from typer import _click
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from cli.common import fail

# Typer words a value its parameter type refuses as the validation library does:
# "Invalid value for '--dates': Value error, 'sideways' is not one of ...".
_VALIDATION_PREFIX = ": Value error, "
# A group refuses a name that is none of its commands with a plain UsageError, worded so.
_UNKNOWN_COMMAND = "No such command "


def usage_line(error: UsageError) -> str:
    """The mistake in one line: what was wrong, what is accepted, and where to read more."""
    words = " ".join(line.strip() for line in error.format_message().splitlines() if line.strip())
    words = words.replace(_VALIDATION_PREFIX, ": ", 1)
    ctx = error.ctx
    if ctx is None:
        return words
    if words.startswith(_UNKNOWN_COMMAND) and isinstance(ctx.command, TyperGroup):
        words = f"{words.rstrip('.')}; commands: {', '.join(ctx.command.list_commands(ctx))}"
    return f"{words} (see '{ctx.command_path} --help')"


class OneLineUsageGroup(TyperGroup):
    """A Typer group whose usage mistakes, and those of every command under it, are one line
    on stderr and exit status 1."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: _click.Context | None = None,
        **extra: Any,
    ) -> _click.Context:
        # The group's own options (`profiling --bogus`) are parsed here.
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except NoArgsIsHelpError:
            raise
        except UsageError as exc:
            raise fail(usage_line(exc)) from None

    def invoke(self, ctx: _click.Context) -> Any:
        # A command's (and a subgroup's) arguments are parsed when the group invokes it.
        try:
            return super().invoke(ctx)
        except NoArgsIsHelpError:
            raise
        except UsageError as exc:
            raise fail(usage_line(exc)) from None
