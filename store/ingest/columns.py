"""Matching a file's column names to the fields of a kind of file.

Names match case-insensitively, ignoring spaces, `_` and `-`, so `Entity ID`, `entity-id`
and `entityId` all mean `entity_id`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from store.ingest.errors import FileRejected

_IGNORED_CHARACTERS = re.compile(r"[\s_\-]+")


def normalize_column_name(name: str) -> str:
    return _IGNORED_CHARACTERS.sub("", name).lower()


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """The fields of one kind of file, and the other names a column may carry for them."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # Other column names users write for a field, e.g. `industry_id` for `industry`.
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional

    def field_for(self, column: str) -> str | None:
        key = normalize_column_name(column)
        for name in self.fields:
            if normalize_column_name(name) == key:
                return name
        for alias, name in self.aliases.items():
            if normalize_column_name(alias) == key:
                return name
        return None


class ColumnMatcher:
    """Matches column names as they are met (a JSON Lines file shows its keys row by row)."""

    def __init__(self, spec: ColumnSpec) -> None:
        self.spec = spec
        self.columns: list[str] = []
        self.mapping: dict[str, str] = {}
        self.ignored: list[str] = []
        self._fields: dict[str, str | None] = {}

    def field_for(self, column: str) -> str | None:
        """The field `column` gives, or None for a column the kind does not use."""
        try:
            return self._fields[column]
        except KeyError:
            pass
        name = self.spec.field_for(column)
        self.columns.append(column)
        if name is None:
            if column.strip():
                self.ignored.append(column)
        elif name in self.mapping:
            raise FileRejected(
                f"columns {self.mapping[name]!r} and {column!r} both give {name}: keep only one"
            )
        else:
            self.mapping[name] = column
        self._fields[column] = name
        return name

    def match_header(self, header: Sequence[str]) -> list[tuple[str, int]]:
        """(field, index) of the header's columns that give a field; refuses missing ones."""
        pairs: list[tuple[str, int]] = []
        for index, column in enumerate(header):
            name = self.field_for(column.strip())
            if name is None:
                continue
            if any(name == matched for matched, _index in pairs):
                raise FileRejected(f"column {column.strip()!r} appears twice: keep only one")
            pairs.append((name, index))
        self.check_required()
        return pairs

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.mapping)

    def check_required(self) -> None:
        missing = [name for name in self.spec.required if name not in self.mapping]
        if not missing:
            return
        seen = ", ".join(repr(column) for column in self.columns) or "none"
        hint = ""
        if len(self.columns) == 1:
            hint = " (is the delimiter a comma, semicolon or tab?)"
        raise FileRejected(
            f"missing required column(s) {', '.join(missing)}; the file's columns are: {seen}{hint}"
        )
