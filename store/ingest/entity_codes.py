"""Small integers for the (level, entity id) pairs a SQLite load stages, numbered in the order
of the pairs themselves.

SQLite's stage of a load holds one integer per row where it held a level and an entity id
(an account id is often a 36-character UUID): its rows and its index shrink by about half, and
the index's sort compares integers (`docs/performance.md`, "SQLite's stage by entity number").
The text comes back from a small table of the numbers used, joined by number, when the rows are
compared with the stored ones or copied into `metric_value`.

Numbered in the order of (level, entity id), a sort by number gives the rows in the order of
`metric_value`'s primary key, so that its index still receives them in order. Python orders
strings by code point, as UTF-8's bytes (SQLite's BINARY collation) do. A pair outside the
entities the load was given (none, in a load: the validator stages only known entities) gets
a number after all of them: its rows then only reach the index out of order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence


class EntityCodes:
    def __init__(self, entities: Mapping[str, Collection[str]] | None = None) -> None:
        self._entities = entities or {}
        # Each level's pairs take the numbers from its offset on: the levels in their order,
        # each as many numbers as it has entities. A level is numbered (its ids sorted) only
        # once a row of it is staged: a file of accounts never sorts the contracts.
        self._offsets: dict[str, int] = {}
        offset = 0
        for level in sorted(self._entities):
            self._offsets[level] = offset
            offset += len(self._entities[level])
        # level -> entity id -> number
        self._codes: dict[str, dict[str, int]] = {}
        self._next = offset
        # The numbers staged so far: only their pairs go to the database's table.
        self._used: set[int] = set()

    def _level(self, level: str) -> dict[str, int]:
        codes = self._codes.get(level)
        if codes is None:
            ids = sorted(self._entities.get(level, ()))
            start = self._offsets.get(level, 0)
            codes = self._codes[level] = dict(zip(ids, range(start, start + len(ids)), strict=True))
        return codes

    def _code(self, level: str, entity_id: str) -> int:
        ids = self._level(level)
        code = ids.get(entity_id)
        if code is None:
            code = ids[entity_id] = self._next
            self._next += 1
        return code

    def of(self, levels: Sequence[str], entity_ids: Sequence[str]) -> list[int]:
        """The number of each row's pair (a block of one level, the common file, by one
        lookup per row in C)."""
        if len(set(levels)) == 1:
            ids = self._level(levels[0])
            try:
                codes = list(map(ids.__getitem__, entity_ids))
            except KeyError:
                codes = [self._code(levels[0], entity_id) for entity_id in entity_ids]
        else:
            codes = list(map(self._code, levels, entity_ids))
        self._used.update(codes)
        return codes

    def used(self) -> Iterable[tuple[int, str, str]]:
        """(number, level, entity id) of every pair staged so far."""
        used = self._used
        return (
            (code, level, entity_id)
            for level, ids in self._codes.items()
            for entity_id, code in ids.items()
            if code in used
        )
