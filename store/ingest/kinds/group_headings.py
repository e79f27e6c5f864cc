"""Customers named by group headings, not by a column: QuickBooks' `Sales by Customer Detail`.

In QuickBooks Online's default layout (and QuickBooks Desktop's without its `Name` column)
the report has no customer column: the unnamed first column holds a customer's name alone on
its line, that customer's transaction lines under it (the first cell empty), then `Total for
NAME` (with the group's figures; QuickBooks Desktop writes `Total NAME`), and at the end
`TOTAL` and footnotes. A sub-customer's heading sits under its parent's (QuickBooks Desktop
puts it in the next unnamed column: `store.ingest.outline_columns`), closed by its own
total: its lines are the
sub-customer's, named `Parent:Child` as QuickBooks writes a sub-customer's full name (two jobs
of one name under two customers stay two customers).

QuickBooks' transaction lists (Transaction List by Customer) are grouped alike but carry no
totals at all: adding invoices, payments and estimates would make no sense, so no `Total for`
line closes a group; each heading's group runs to the next heading (one level: without totals
nothing tells a sub-customer's heading from its parent's, so each line takes the heading last
above it, as written; no captured export shows how such a list heads a sub-customer).

The headings give the customer only when the file really is laid out so, checked over the
whole file before any line is read (`observe`, then `decide`): at least one heading with lines
under it, no line outside every heading, and either every group with lines closed by its
`Total for` (no heading with lines left open) or, in a file whose title says it is a
Transaction List by Customer, no total line anywhere.
A heading with no lines under it (a footnote after `TOTAL`) is a note.
"""

from __future__ import annotations

from analytics.counts import counted
from analytics.export_columns import words
from store.ingest.guessing import ROW_LABEL
from store.ingest.reading import BELOW_RULE, Row

_TOTAL_FOR = ("total", "for")
# The group QuickBooks puts the transactions without a customer under (a walk-in Sales
# Receipt): no customer's, so its lines are skipped, as a Day Book's `Cash` lines are.
_NO_CUSTOMER = "not specified"


def names_no_customer(name: str) -> bool:
    """Whether a customer named by the headings is QuickBooks' `Not Specified` group."""
    return name.strip().casefold() == _NO_CUSTOMER


class _Group:
    __slots__ = ("lines", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines = 0


class GroupHeadings:
    """Follows a file's group headings line by line and names each line's customer."""

    def __init__(self) -> None:
        # Whether the groups run from heading to heading, closed by no total (decided by
        # `decide` over the first pass, kept for the second).
        self._untotalled = False
        self.restart()

    def restart(self) -> None:
        """Starts a pass over the file: `observe`'s, then the check's once `decide` said yes."""
        self._open: list[_Group] = []
        # Groups with lines closed by their `Total for`, lines under no heading, groups with
        # lines never closed (or closed by another name's total).
        self.closed = 0
        self._orphans = 0
        self._unclosed = 0
        self.customers: set[str] = set()
        # Whether groups close as QuickBooks Desktop closes them (`Total NAME`).
        self._desktop = False
        # Total lines met (a group's or the grand one), and groups with lines met.
        self._totals = 0
        self._groups = 0

    def note(self) -> str:
        """What a load's notes say when its customers came from these headings."""
        return (
            "Customers read from group headings: "
            + counted(len(self.customers), "customer", "customers")
            + " named over their lines (the file has no customer column; "
            + (
                "each heading over its lines up to the next, no totals"
                if self._untotalled
                else ("`Total NAME`" if self._desktop else "`Total for NAME`") + " under each"
            )
            + ")"
        )

    def customer(self, row: Row) -> str | None:
        """The customer of a transaction line (its innermost open heading's, as a path);
        None for a heading, a total or a note line, whose state it follows."""
        label = row.get(ROW_LABEL)
        if label is None:
            if not self._open:
                self._orphans += 1
                return None
            self._open[-1].lines += 1
            self._groups += self._open[-1].lines == 1
            name = (
                self._open[-1].name
                if self._untotalled
                else ":".join(group.name for group in self._open)
            )
            if not names_no_customer(name):
                self.customers.add(name)
            return name
        said = words(label)
        alone = all(
            value is None for key, value in row.items() if key not in (ROW_LABEL, BELOW_RULE)
        )
        # `Total for NAME` and the grand `TOTAL` carry their figures; a name alone on its line
        # is a heading even when it starts with `Total` (a customer `Total Fitness Ltd`, whose
        # group closes with `Total for Total Fitness Ltd`).
        if said[:2] == _TOTAL_FOR or (said[:1] == ("total",) and not alone):
            self._totals += 1
            self._close(label, said)
            return None
        if alone:
            if self._untotalled:
                # No total closes a group: the next heading does.
                self._open = []
            self._open.append(_Group(label))
        return None

    def _close(self, label: str, said: tuple[str, ...]) -> None:
        parts = label.split(None, 2 if said[:2] == _TOTAL_FOR else 1)
        name = parts[-1].strip().casefold() if len(parts) > 1 else ""
        if said[:2] != _TOTAL_FOR and not any(
            group.name.strip().casefold() == name for group in self._open
        ):
            # The grand `TOTAL`: every group ends. (QuickBooks Desktop closes a group with
            # `Total NAME`, without `for`: the name of an open group says which.)
            self._end(self._open)
            self._open = []
            return
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth].name.strip().casefold() == name:
                self._desktop = self._desktop or said[:2] != _TOTAL_FOR
                closing = self._open[depth]
                self._end(self._open[depth + 1 :])
                self.closed += closing.lines > 0
                del self._open[depth:]
                return
        self._unclosed += 1

    def _end(self, groups: list[_Group]) -> None:
        """Groups that end without their own `Total for`: with lines, the layout is not
        QuickBooks'; without, they were notes."""
        self._unclosed += sum(group.lines > 0 for group in groups)

    def decide(self, *, transaction_list: bool = False) -> bool:
        """Whether the file observed is laid out in customer groups. `transaction_list`: its
        title says it is a transaction list, whose groups no total closes; elsewhere a group
        left open means the first column is not QuickBooks' headings (a note over lines)."""
        self._end(self._open)
        if self._orphans:
            return False
        if self.closed > 0 and not self._unclosed:
            return True
        # A transaction list: headings and lines, and no total line anywhere.
        self._untotalled = transaction_list and not self._totals and self._groups > 0
        return self._untotalled
