"""The mapping a user gives a sales or ledger load (`profiling ingest sales FILE --accounts
MAPPING`): which account each party of the export is, where the export names parties, not our
ids, and a name is not enough (two accounts share it, or the export writes it otherwise).

A CSV or JSON Lines file with the columns `party` and `account_id` (also `party name` or
`name`, and `account`). Parties are compared as the loader compares names
(`analytics.party_names`), so the mapping may write them in any case or spacing; one party
mapped to two accounts is a bad line. The accounts must be accounts of the export's app:
that is checked against the database by the load (`store.ingest.kinds.parties`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analytics.party_names import party_key
from store.ingest.columns import ColumnMatcher, ColumnSpec
from store.ingest.errors import FileRejected, IngestRejected, RowProblem
from store.ingest.progress import NoProgress
from store.ingest.reading import TableReader, open_table_file

_COLUMNS = ColumnSpec(
    required=("party", "account_id"),
    aliases={"party_name": "party", "name": "party", "account": "account_id"},
)


@dataclass(frozen=True, slots=True)
class MappedParty:
    party: str
    account_id: str
    # Its line in the mapping file (the header is line 1).
    line: int


@dataclass(frozen=True, slots=True)
class AccountMapping:
    file_name: str
    # Party key (`party_key`) -> the account the user says it is.
    parties: Mapping[str, MappedParty]
    rows_read: int
    # Its bad lines: reported with those the database finds (`rejected`), all at once.
    problems: Sequence[RowProblem] = ()

    def party_for(self, *names: str | None) -> MappedParty | None:
        """The mapping's line for the first of `names` that it names."""
        for name in names:
            if name is not None and (mapped := self.parties.get(party_key(name))) is not None:
                return mapped
        return None

    def rejected(self, problems: Sequence[RowProblem]) -> IngestRejected:
        """The refusal of the mapping for its own bad lines and `problems`."""
        return IngestRejected(
            file_name=f"{self.file_name} (--accounts)",
            problems=[*self.problems, *problems],
            rows_read=self.rows_read,
        )


def read_account_mapping(path: Path) -> AccountMapping:
    """The mapping of `path`, with its bad lines; `FileRejected` when it cannot be read."""
    try:
        table_file = open_table_file(path)
    except FileRejected as exc:
        raise FileRejected(f"{path} (--accounts): {exc}") from exc
    reader = TableReader(table_file, ColumnMatcher(_COLUMNS), NoProgress())
    parties: dict[str, MappedParty] = {}
    problems: list[RowProblem] = []
    try:
        for line, row in reader:
            party = row.get("party")
            account_id = row.get("account_id")
            if party is None or account_id is None:
                missing = " and ".join(
                    name
                    for name, value in (("party", party), ("account_id", account_id))
                    if value is None
                )
                problems.append(RowProblem(line, f"missing {missing}"))
                continue
            key = party_key(party)
            if not key:
                problems.append(RowProblem(line, f"party {party!r} has no letter or digit"))
                continue
            earlier = parties.setdefault(key, MappedParty(party, account_id, line))
            if earlier.line != line and earlier.account_id != account_id:
                problems.append(
                    RowProblem(
                        line,
                        f"party {party!r} is mapped to account {earlier.account_id!r} on line "
                        f"{earlier.line} (names compared without case, spacing, full stops "
                        f"and commas): a party is one account",
                    )
                )
    except FileRejected as exc:
        raise FileRejected(f"{path} (--accounts): {exc}") from exc
    problems.extend(reader.problems)
    return AccountMapping(
        file_name=str(path), parties=parties, rows_read=reader.rows_read, problems=problems
    )
