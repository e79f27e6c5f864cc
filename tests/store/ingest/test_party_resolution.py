"""Party resolution without a database: the order of the rules, and refusals that only a
whole file shows (an account created for a party that two parties would move apart)."""

from __future__ import annotations

import pytest

from store.ingest.account_mapping import AccountMapping, MappedParty
from store.ingest.errors import FileRejected
from store.ingest.kinds.parties import KnownAccount, Parties, Refused, holds_ids


@pytest.mark.parametrize(
    ("column", "ids"),
    [
        ("Customer ID", True),
        ("CustomerID", True),
        ("customer_id", True),
        ("Party Code", True),
        ("Cust No.", True),
        ("Particulars", False),
        ("Party Name", False),
        ("Customer", False),
        ("Ledger", False),
        ("column 2", False),
    ],
)
def test_a_customer_column_holds_ids_when_its_name_says_so(column: str, ids: bool) -> None:
    assert holds_ids(column) is ids


def _parties(mapping: dict[str, str] | None = None, /, **accounts: KnownAccount) -> Parties:
    parties = Parties(
        accounts=accounts,
        apps={"x"},
        app="x",
        mapping=None
        if mapping is None
        else AccountMapping(
            file_name="map.csv",
            parties={
                party.lower(): MappedParty(party, account, line)
                for line, (party, account) in enumerate(mapping.items(), start=2)
            },
            rows_read=len(mapping),
        ),
    )
    parties.check_mapping()
    return parties


def test_a_real_account_of_the_name_comes_before_an_account_created_for_the_party() -> None:
    parties = _parties(
        R1=KnownAccount("x", "Sharma", for_party=False),
        Sharma=KnownAccount("x", "Sharma", for_party=True),
    )
    parties.customer_column("Particulars")
    assert parties.resolve("SHARMA", None) == "R1"
    assert parties.resolve("Sharma", None) == "R1"
    assert parties.moved() == {"Sharma": "R1"}


def test_an_account_created_for_a_party_cannot_move_to_two_accounts() -> None:
    parties = _parties(
        {"C-2": "R2"},
        R1=KnownAccount("x", "Sharma", for_party=False),
        R2=KnownAccount("x", "Other", for_party=False),
        P=KnownAccount("x", "Sharma", for_party=True),
    )
    parties.customer_column("Customer Code")
    assert parties.resolve("C-1", "Sharma") == "R1"
    refused = parties.resolve("C-2", "Sharma")
    assert isinstance(refused, Refused)
    assert refused.reason.startswith(
        "party 'C-2' is account 'R2' (by mapping), but account 'P', created for it by an "
        "earlier load, moves to 'R1' for another party of this file"
    )
    # Said on the party's first line only.
    assert parties.resolve("C-2", "Sharma") is None


def test_a_move_onto_an_account_that_moves_follows_it() -> None:
    parties = _parties(
        {"Gupta": "Sharma"},
        R1=KnownAccount("x", "Sharma Co", for_party=False),
        Gupta=KnownAccount("x", "Gupta", for_party=True),
        Sharma=KnownAccount("x", "Sharma Co", for_party=True),
    )
    parties.customer_column("Particulars")
    assert parties.resolve("Gupta", None) == "Sharma"
    assert parties.resolve("Sharma Co", None) == "R1"
    assert parties.moved() == {"Gupta": "R1", "Sharma": "R1"}


def test_accounts_that_would_move_onto_each_other_are_refused() -> None:
    parties = _parties(
        {"Gupta": "Sharma", "Sharma": "Gupta"},
        Gupta=KnownAccount("x", "Gupta", for_party=True),
        Sharma=KnownAccount("x", "Sharma", for_party=True),
    )
    parties.customer_column("Particulars")
    parties.resolve("Gupta", None)
    parties.resolve("Sharma", None)
    with pytest.raises(FileRejected, match="would each move to another of them"):
        parties.moved()


def test_two_spellings_of_a_new_party_make_one_account_and_two_ids_two() -> None:
    names = _parties()
    names.customer_column("Particulars")
    assert names.resolve("Gupta Traders", None) == "Gupta Traders"
    assert names.resolve("GUPTA TRADERS.", None) == "Gupta Traders"
    assert names.created()["accounts"] == ["Gupta Traders"]
    assert names.notes() == ["Parties: 0 linked to existing accounts, 1 new account"]
    # Reloaded, the first spelling's account is taken by both.
    reloaded = _parties(**{"Gupta Traders": KnownAccount("x", "Gupta Traders", for_party=True)})
    reloaded.customer_column("Particulars")
    assert reloaded.resolve("GUPTA TRADERS.", None) == "Gupta Traders"
    assert reloaded.resolve("Gupta Traders", None) == "Gupta Traders"

    ids = _parties()
    ids.customer_column("Customer Code")
    assert ids.resolve("C-1", "Gupta Traders") == "C-1"
    assert ids.resolve("C-2", "Gupta Traders") == "C-2"
    assert ids.created()["accounts"] == ["C-1", "C-2"]


def test_two_ids_with_the_name_of_one_account_are_not_both_linked_to_it() -> None:
    """Two ids of an id column are two parties whatever their names: the second one that the
    name of one account would link to it is refused (the file with it), the ids said."""
    parties = _parties(R9=KnownAccount("x", "Sharma Traders", for_party=False))
    parties.customer_column("Customer Code")
    assert parties.resolve("C-1", "Sharma Traders") == "R9"
    refused = parties.resolve("C-2", "SHARMA TRADERS.")
    assert refused == Refused(
        "parties 'C-1' and 'C-2' of an id column are two parties with one name, 'SHARMA "
        "TRADERS.', and account 'R9' of app 'x' has it; which of them it is, if either, is not "
        "guessed: say it with --accounts FILE (a CSV with columns party,account_id) (this "
        "stands for every line of the party)",
        every_line=False,
    )
    # Said once, on the party's first line; its other lines stand with it.
    assert parties.resolve("C-2", "SHARMA TRADERS.") is None
    # The same id on more lines is one party.
    assert parties.resolve("C-1", "Sharma Traders") == "R9"
    assert parties.notes()[1] == "Linked by name: C-1 (Sharma Traders) -> R9"


def test_an_id_mapped_to_an_account_keeps_another_id_of_its_name_from_it() -> None:
    mapped = _parties({"C-1": "R9"}, R9=KnownAccount("x", "Sharma Traders", for_party=False))
    mapped.customer_column("Customer Code")
    assert mapped.resolve("C-1", "Sharma Traders") == "R9"
    assert isinstance(mapped.resolve("C-2", "Sharma Traders"), Refused)
    # Both mapped to it: the mapping says so.
    both = _parties(
        {"C-1": "R9", "C-2": "R9"}, R9=KnownAccount("x", "Sharma Traders", for_party=False)
    )
    both.customer_column("Customer Code")
    assert both.resolve("C-1", "Sharma Traders") == "R9"
    assert both.resolve("C-2", "Sharma Traders") == "R9"
    # Names without ids: two spellings of one name are one party, linked by name.
    names = _parties(R9=KnownAccount("x", "Sharma Traders", for_party=False))
    names.customer_column("Particulars")
    assert names.resolve("Sharma Traders", None) == "R9"
    assert names.resolve("SHARMA TRADERS", None) == "R9"


def test_a_party_whose_value_is_another_apps_account_is_a_new_account_of_its_own_app() -> None:
    parties = Parties(
        accounts={
            "Acme": KnownAccount("y", "Acme", for_party=True),
            "x:Acme": KnownAccount("y", "x:Acme", for_party=False),  # an id like ours
        },
        apps={"x", "y"},
        app="x",
    )
    parties.customer_column("Particulars")
    assert parties.resolve("Acme", None) == "x:Acme:2"
    assert parties.resolve("ACME.", None) == "x:Acme:2"  # the same party, written otherwise
    assert parties.created() == {"apps": [], "accounts": ["x:Acme:2"]}
    assert parties.moved() == {}


def test_an_apps_party_account_is_found_by_its_party_never_by_its_id() -> None:
    parties = Parties(
        accounts={
            "Acme": KnownAccount("y", "Acme", for_party=True),
            "x:Acme": KnownAccount("x", "Acme", for_party=True),
        },
        party_accounts={"Acme": "x:Acme"},
        apps={"x", "y"},
        app="x",
    )
    parties.customer_column("Particulars")
    assert parties.resolve("Acme", None) == "x:Acme"
    # A party written `x:Acme` is not the party Acme whose account has that id.
    assert parties.resolve("x:Acme", None) == "x:x:Acme"
    assert parties.created()["accounts"] == ["x:x:Acme"]
