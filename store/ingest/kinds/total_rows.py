"""Total lines among the rows of an entity or metrics file: a spreadsheet's `Total` or `Grand
Total` row (its figures summed under the data), or a row of figures alone under a rule line,
as report exports end. They are skipped and counted, as sales exports' total lines are
(`store.ingest.kinds.exports`), never reported as bad rows.

A row is a total when its identifying cells (an id, a name, a level, a date) that are not
empty all say `Total`, `Grand Total`, `Closing Balance`... and none is the id of an existing
entity: `Total,,,1205` is a total line, while an account `Total` named `Total Ltd`, or an
account `A9` named `Total`, is an account.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from analytics.counts import counted
from store.ingest.kinds.exports import is_summary_text
from store.ingest.reading import BELOW_RULE, Row


class TotalRows:
    def __init__(self, labels: Sequence[str], known: Container[str] = ()) -> None:
        # The row's cells that name what it is about, which a total line labels.
        self._labels = tuple(labels)
        self._known = known
        self.skipped = 0

    def skip(self, row: Row) -> bool:
        """Whether `row` is a total line (counted when it is)."""
        texts = [text for label in self._labels if (text := row.get(label)) is not None]
        labelled = all(text not in self._known and is_summary_text(text) for text in texts)
        if (texts and labelled) or (BELOW_RULE in row and not texts):
            self.skipped += 1
            return True
        return False

    def notes(self) -> list[str]:
        if not self.skipped:
            return []
        return [
            f"Skipped {counted(self.skipped, 'total or balance line', 'total or balance lines')}"
        ]
