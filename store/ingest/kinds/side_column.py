"""The column that gives each amount its side (`Dr`/`Cr`), in sales files and ledgers alike.

Tally writes an amount and its side in two columns (`Amount | Dr/Cr`). The side column is
the one named so (the `side` role, or `--column side=...`), else, among other candidates
(a `Type` column, the column right after the amount), the first whose every value is a side
(`Dr`, `Cr`, `Debit`, `Credit`, `D`, `C`): the whole file is scanned before any line is
checked, so the decision holds for every line.
"""

from __future__ import annotations

from analytics.export_amounts import Amount, BadSide, is_side, parse_side
from store.ingest.reading import Row

SIDE_ROLE = "side"


class SideColumn:
    """Observes candidate keys of a file's rows, then gives each line's amount its side."""

    def __init__(self, candidates: tuple[str, ...]) -> None:
        # Key -> [some line has a value, every value is a side], in order of precedence.
        self._seen = {key: [False, True] for key in (SIDE_ROLE, *candidates)}
        # A column named as the side gives it, whatever its values: a bad one is a bad line.
        self.key = SIDE_ROLE

    def observe(self, row: Row) -> None:
        for key, seen in self._seen.items():
            text = row.get(key)
            if text is not None and seen[1]:
                seen[0] = True
                seen[1] = is_side(text)

    def decide(self) -> str:
        """The key of the side column, once every row was observed."""
        for key, (seen, sides) in self._seen.items():
            if seen and sides:
                self.key = key
                break
        return self.key

    def sided(self, row: Row, amount: Amount, reasons: list[str]) -> Amount:
        """The amount with the side its side column gives, if the line has one; a side mark
        on the amount itself must agree."""
        text = row.get(self.key)
        if text is None:
            return amount
        try:
            side = parse_side(text)
        except BadSide as exc:
            reasons.append(f"side {exc}")
            return amount
        if amount.side is not None and amount.side is not side:
            reasons.append(f"the amount says {amount.side} but the side column says {side}")
        return Amount(amount.value, side)
