"""An industry cell of an accounts or companies file: an existing industry's id or its name,
else a new industry.

A cell matches an industry by its id as written, else by the normal form of its id or its
name (`analytics.names.name_key`: case, whitespace and Unicode forms folded), so `Retail &
E-commerce` puts the account in the sector whose id is `retail`, not in a second sector of the
same name outside the cohort benchmarks are computed over. Only a cell that matches neither
creates an industry, with the cell as its id and name, and the load names each one so that a
typo does not split a cohort unseen. A cell whose normal form names two industries (two
sectors that share a name) matches neither and is a bad row that lists their ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.names import name_key
from store.ingest.kinds.base import table
from store.ingest.plan import TableWrite, WriteMode
from store.ingest.report import LISTED_NAMES as _NAMED


class AmbiguousIndustry(ValueError):
    """A cell whose name is the name of more than one industry."""


class IndustryCells:
    """Resolves industry cells to ids, against the industries stored and those the file
    creates."""

    def __init__(self, industries: Iterable[tuple[str, str]]) -> None:
        # Stored industries as (id, name).
        self._ids: set[str] = set()
        # Normal form of an id or a name -> the ids it names.
        self._keys: dict[str, set[str]] = {}
        for industry_id, name in industries:
            self._add(industry_id, name)
        # Cells already resolved, as written.
        self._resolved: dict[str, str] = {}
        self.created: list[str] = []

    def _add(self, industry_id: str, name: str) -> None:
        self._ids.add(industry_id)
        for text in (industry_id, name):
            self._keys.setdefault(name_key(text), set()).add(industry_id)

    def resolve(self, cell: str) -> str:
        """The id of the industry `cell` names; a new industry when it names none."""
        known = self._resolved.get(cell)
        if known is not None:
            return known
        if cell in self._ids:
            industry_id = cell
        else:
            matches = self._keys.get(name_key(cell), set())
            if len(matches) > 1:
                listed = ", ".join(repr(match) for match in sorted(matches))
                raise AmbiguousIndustry(
                    f"industry {cell!r} names {len(matches)} industries ({listed}): "
                    f"give one of their ids"
                )
            if matches:
                (industry_id,) = matches
            else:
                industry_id = cell
                self._add(cell, cell)
                self.created.append(cell)
        self._resolved[cell] = industry_id
        return industry_id

    def cell(self, cell: str | None, reasons: list[str]) -> str | None:
        """`resolve` of a row's cell, None when it is empty or names two industries (the
        reason is added)."""
        if cell is None:
            return None
        try:
            return self.resolve(cell)
        except AmbiguousIndustry as exc:
            reasons.append(str(exc))
            return None

    def notes(self) -> list[str]:
        """What the user must check about the industries the file creates: one line each (a
        count beyond a few, the output stays short)."""
        advice = (
            "if it is a sector you have already, write that sector's id or name instead (as "
            "your industries file gives them) and load the file again"
        )
        if len(self.created) > _NAMED:
            return [f"{len(self.created):,} new industries created: for each, {advice}"]
        return [f"New industry {industry!r} created: {advice}" for industry in self.created]

    def write(self) -> TableWrite:
        return TableWrite(
            table("industry"),
            ("industry_id", "name"),
            [(industry, industry) for industry in self.created],
            WriteMode.INSERT_MISSING,
        )


async def stored_industries(connection: AsyncConnection) -> list[tuple[str, str]]:
    """Every industry as (id, name), in one query."""
    industries = table("industry")
    result = await connection.execute(select(industries.c.industry_id, industries.c.name))
    return [(industry_id, name) for industry_id, name in result]
