"""The parties of a sales or ledger export as accounts of the export's app.

Accounting exports name parties (`Sharma Electricals`), not our ids (`SGD-001`). A party is
resolved once, on its first line, in this order:

1. a mapping the user gives (`--accounts FILE`: party -> account id) names it;
2. its value is the id of an account of the app (an id column, or a name used as an id);
3. its name (the name column, else the customer column's value unless that column holds ids,
   see `holds_ids`) is, in the normal form of `analytics.party_names`, the name of exactly
   one account of the app; two or more such accounts are never guessed between: the party is
   refused with the candidates' ids, and nothing is written. Two ids of an id column (with
   a name column beside it) are two parties whatever their names: when both have the name
   of one account, and one would link to it by that name, which of them it is is not
   guessed either;
4. the account that an earlier load created for the party in the app (`party_account`, by
   the party's value) is taken again, else one created for its name as in 3;
5. otherwise a new account is created, named after the name column, else the value, and
   recorded as created for the app's party, so a reload takes it again. Its id is the
   party's value, unless an account has that id already (another app's: apps are tenants,
   and their parties of one name are two accounts): then `app:value` (`:2`, `:3`.. after it
   in the rare case that is taken too). Ids never change once given.

Accounts of other apps are never candidates, whatever their ids or names, and a party is
never refused for them.

Accounts created for parties yield to real ones: they rank after them in 2 and 3, and when a
party resolves by mapping or by name to another account, the accounts earlier loads created
for it (its value as id, or its name) move there: their sale lines and ledger entries are
moved before the file is written, and the accounts are removed unless something else (a
company, an account-level metric value, an API key) refers to them. The load says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.counts import counted
from analytics.export_columns import words
from analytics.name_lists import first_and_more
from analytics.party_names import party_key
from store.ingest.account_mapping import AccountMapping
from store.ingest.errors import FileRejected, RowProblem
from store.ingest.kinds.base import IngestOptions, table
from store.ingest.party_writes import NewPartyAccounts, PartyWrites
from store.ingest.plan import TableWrite, WriteMode
from store.ingest.report import short_list, shown

DEFAULT_APP = "default"
# Words of a customer column's name that say it holds ids, not names: `Customer ID`,
# `Party Code`, `Cust No.`, `CustomerID`.
_ID_WORDS = frozenset(("id", "code", "no", "number", "num", "nr", "key"))
# Candidate ids listed in a refusal.
_LISTED_CANDIDATES = 10


def holds_ids(column: str | None) -> bool:
    """Whether the customer column named `column` holds ids (its name says so) rather than
    names (`Particulars`, `Party Name`, `Customer`, `Ledger`)."""
    return column is not None and any(word in _ID_WORDS for word in words(column))


class Link(StrEnum):
    """How a party found an account that existed before the load."""

    BY_ID = "by id"
    BY_NAME = "by name"
    BY_MAPPING = "by mapping"
    EARLIER = "created for them by earlier loads"


@dataclass(frozen=True, slots=True)
class KnownAccount:
    app: str
    name: str
    # Created by a sales or ledger load for a party that matched no account.
    for_party: bool


@dataclass(frozen=True, slots=True)
class Refused:
    """Why a party's lines are bad: said on each of them, or on the first only (and the
    reason says it stands for every line of the party)."""

    reason: str
    every_line: bool


class Parties:
    """The file's parties resolved to accounts of the file's app (`--app`, else `default`)."""

    def __init__(
        self,
        *,
        accounts: Mapping[str, KnownAccount],
        party_accounts: Mapping[str, str] | None = None,
        apps: set[str],
        app: str,
        app_given: bool = True,
        mapping: AccountMapping | None = None,
    ) -> None:
        self._accounts = accounts
        # This app's accounts created for parties, by the party's value.
        self._party_accounts: Mapping[str, str] = party_accounts or {}
        self._apps = apps
        self._app = app
        self._app_given = app_given
        self._mapping = mapping
        self._column_holds_ids = False
        # This app's accounts by the key of their name: real ones, and those created for
        # parties; built on the first name looked up.
        self._real_by_key: dict[str, list[str]] | None = None
        self._earlier_by_key: dict[str, list[str]] = {}
        self._resolved: dict[str, str | Refused] = {}
        # New account id -> its name; and the party's value it is created for.
        self._new_accounts: dict[str, str] = {}
        self._new_parties: dict[str, str] = {}
        # New accounts whose id is not the party's value (another account had it).
        self._qualified: list[str] = []
        self._new_apps: list[str] = []
        self._links = dict.fromkeys(Link, 0)
        # `party -> account` of the parties linked by name, for the user to check.
        self._by_name: list[str] = []
        # Account -> the parties of an id column (with a name column) linked to it by name
        # or by mapping: (id, the key of its name, whether by name).
        self._ids_linked: dict[str, list[tuple[str, str, bool]]] = {}
        # Lines of the mapping that named a party of the file.
        self._mapped: set[int] = set()
        # Accounts created for parties by earlier loads -> the account their lines move to.
        self._moves: dict[str, str] = {}
        # The same, following moves onto moved accounts: built once, when the lines are
        # written, and shared with the step that moves them (which keeps only the moves
        # still possible when it runs).
        self._final_moves: dict[str, str] | None = None
        # Accounts created for parties by earlier loads that lines of this load go to.
        self._taken_for_parties: set[str] = set()
        self._new_party_rows: NewPartyAccounts | None = None
        self.affected_apps: set[str] = set()

    @property
    def app(self) -> str:
        """The file's app."""
        return self._app

    def has_app(self) -> bool:
        """Whether the file's app exists once the load's writes are done (stored, or made by
        the load for a new account of it)."""
        return self._app in self._apps

    def include_app(self) -> None:
        """Count the file's app, if it exists, among the apps the load affects even when no
        line of it is kept (a load that only withdraws invoices stored before)."""
        if self._app in self._apps:
            self.affected_apps.add(self._app)

    def customer_column(self, column: str | None) -> None:
        """Tells which column gives the customer, once the file's columns are known."""
        self._column_holds_ids = holds_ids(column)

    def check_mapping(self) -> None:
        """Refuses a mapping that names an account that does not exist or is another app's."""
        if self._mapping is None:
            return
        problems = []
        for mapped in self._mapping.parties.values():
            known = self._accounts.get(mapped.account_id)
            if known is None:
                problems.append(
                    RowProblem(
                        mapped.line,
                        f"account {mapped.account_id!r} does not exist (load it with "
                        f"`profiling ingest accounts` first, or correct the id)",
                    )
                )
            elif known.app != self._app:
                problems.append(
                    RowProblem(
                        mapped.line,
                        f"account {mapped.account_id!r} is an account of app {known.app!r}, "
                        f"not of this export's app {self._app!r}: a mapping names accounts "
                        f"of the export's app",
                    )
                )
        if problems or self._mapping.problems:
            raise self._mapping.rejected(problems)

    def resolve(self, customer: str, name: str | None) -> str | Refused | None:
        """The account of a line's party; why the line is bad; or None for a line of a party
        refused on its first line already (that line's reason stands for it)."""
        found = self._resolved.get(customer)
        if found is None:
            found = self._resolved[customer] = self._first_resolve(customer, name)
            return found
        if isinstance(found, Refused) and not found.every_line:
            return None
        return found

    def _first_resolve(self, customer: str, name: str | None) -> str | Refused:
        app = self._app
        if self._mapping is not None:
            mapped = self._mapping.party_for(customer, name)
            if mapped is not None:
                self._mapped.add(mapped.line)
                clash = self._two_ids(customer, name, mapped.account_id, by_name=False)
                if clash is not None:
                    return clash
                return self._link(Link.BY_MAPPING, customer, name, mapped.account_id)
        known = self._accounts.get(customer)
        if known is not None and known.app == app and not known.for_party:
            return self._take(Link.BY_ID, customer)
        match_name = name if name is not None else "" if self._column_holds_ids else customer
        key = party_key(match_name)
        if key:
            real = self._real_accounts().get(key, ())
            if len(real) == 1:
                clash = self._two_ids(customer, name, real[0], by_name=True)
                if clash is not None:
                    return clash
                party = shown(match_name) if name is None else f"{shown(customer)} ({name})"
                self._by_name.append(f"{party} -> {shown(real[0])}")
                return self._link(Link.BY_NAME, customer, name, real[0])
            if real:
                return self._ambiguous(customer, match_name, real, "")
        if (earlier_id := self._created_for(customer)) is not None:
            return self._take(Link.EARLIER, earlier_id)
        if key:
            earlier = self._earlier_by_key.get(key, ())
            if len(earlier) == 1:
                account = earlier[0]
                return (
                    account if account in self._new_accounts else self._take(Link.EARLIER, account)
                )
            if earlier:
                return self._ambiguous(
                    customer, match_name, earlier, " created for parties by earlier loads"
                )
        account = self._create(customer, name)
        if key and name is None and not self._column_holds_ids:
            # Another spelling of this name later in the file (`GUPTA TRADERS` after `Gupta
            # Traders`) is this party too, as it will be on a reload; two ids of an id
            # column are two parties, whatever their names.
            self._earlier_by_key.setdefault(key, []).append(account)
        return account

    def stored_accounts(self, customer: str, name: str | None) -> frozenset[str]:
        """The accounts of this app stored before the load that the party `customer` may be,
        found the ways `resolve` finds one but without creating any (a voided invoice's party
        withdraws lines, it does not become an account): empty when none is."""
        found: set[str] = set()
        resolved = self._resolved.get(customer)
        if isinstance(resolved, str):
            found.add(resolved)
        if self._mapping is not None:
            mapped = self._mapping.party_for(customer, name)
            if mapped is not None:
                found.add(mapped.account_id)
        known = self._accounts.get(customer)
        if known is not None and known.app == self._app:
            found.add(customer)
        if (earlier := self._created_for(customer)) is not None:
            found.add(earlier)
        match_name = name if name is not None else "" if self._column_holds_ids else customer
        if key := party_key(match_name):
            found.update(self._real_accounts().get(key, ()))
            found.update(self._earlier_by_key.get(key, ()))
        # An account created for a party whose lines this load moves: its lines are stored
        # under it until the move, which may follow the removal.
        found.update([self._moves[account] for account in found if account in self._moves])
        return frozenset(found.difference(self._new_accounts))

    def _created_for(self, customer: str) -> str | None:
        """The account an earlier load created for the party `customer` of this app: by the
        party it records, never by its id (`north:Acme` may be the account of north's party
        `Acme`, not of a party `north:Acme`)."""
        return self._party_accounts.get(customer)

    def _real_accounts(self) -> dict[str, list[str]]:
        if self._real_by_key is None:
            self._real_by_key = {}
            for account_id, known in self._accounts.items():
                if known.app != self._app or not (key := party_key(known.name)):
                    continue
                by_key = self._earlier_by_key if known.for_party else self._real_by_key
                by_key.setdefault(key, []).append(account_id)
        return self._real_by_key

    def _take(self, link: Link, account_id: str) -> str:
        self._links[link] += 1
        known = self._accounts.get(account_id)
        if known is not None and known.for_party:
            self._taken_for_parties.add(account_id)
        self.affected_apps.add(self._app)
        return account_id

    def _link(self, link: Link, customer: str, name: str | None, target: str) -> str | Refused:
        """`target` for the party, and the accounts earlier loads created for the party moved
        to it."""
        self._real_accounts()
        sources: set[str] = set()
        if (earlier := self._created_for(customer)) is not None:
            sources.add(earlier)
        for text in (customer, name):
            if text is not None and (key := party_key(text)):
                sources.update(self._earlier_by_key.get(key, ()))
        sources.discard(target)
        for source in sorted(sources):
            other = self._moves.setdefault(source, target)
            if other != target:
                return Refused(
                    f"party {customer!r} is account {target!r} ({link}), but account "
                    f"{source!r}, created for it by an earlier load, moves to {other!r} for "
                    f"another party of this file: say which account it is with --accounts "
                    f"FILE (columns party,account_id) (this stands for every line of the party)",
                    every_line=False,
                )
        return self._take(link, target)

    def _two_ids(
        self, customer: str, name: str | None, account: str, *, by_name: bool
    ) -> Refused | None:
        """Why a party of an id column may not link to `account`: another id of the file with
        the same name links to it, one of them by that name (which one the account is, if
        either, is not guessed); None when nothing stands in the way."""
        if name is None or not (key := party_key(name)):
            return None
        linked = self._ids_linked.setdefault(account, [])
        for other, other_key, other_by_name in linked:
            if other != customer and other_key == key and (by_name or other_by_name):
                return Refused(
                    f"parties {other!r} and {customer!r} of an id column are two parties with "
                    f"one name, {name!r}, and account {account!r} of app {self._app!r} has it; "
                    f"which of them it is, if either, is not guessed: say it with --accounts "
                    f"FILE (a CSV with columns party,account_id) (this stands for every line "
                    f"of the party)",
                    every_line=False,
                )
        linked.append((customer, key, by_name))
        return None

    def _ambiguous(
        self, customer: str, name: str, candidates: Sequence[str], which: str
    ) -> Refused:
        listed = first_and_more(sorted(candidates), _LISTED_CANDIDATES, repr)
        party = repr(customer) if name == customer else f"{customer!r} (named {name!r})"
        return Refused(
            f"party {party} has the name of {len(candidates)} accounts{which} of app "
            f"{self._app!r}: {listed}; which one is not guessed: say it with --accounts FILE "
            f"(a CSV with columns party,account_id) (this stands for every line of the party)",
            every_line=False,
        )

    def _create(self, customer: str, name: str | None) -> str:
        app = self._app
        account = self._free_id(customer)
        self._new_accounts[account] = name or customer
        self._new_parties[account] = customer
        if app not in self._apps:
            self._apps.add(app)
            self._new_apps.append(app)
        self.affected_apps.add(app)
        return account

    def _free_id(self, customer: str) -> str:
        """The id of a new account for the party `customer`: its value, unless an account
        (of another app, or new in this file) has that id."""

        def taken(account: str) -> bool:
            return account in self._accounts or account in self._new_accounts

        if not taken(customer):
            return customer
        account = qualified = f"{self._app}:{customer}"
        number = 1
        while taken(account):
            number += 1
            account = f"{qualified}:{number}"
        self._qualified.append(account)
        return account

    def moved(self) -> dict[str, str]:
        """Account -> the account its lines go to, for the accounts created for parties by
        earlier loads that this load moves (following a move onto a moved account)."""
        if self._final_moves is not None:
            return self._final_moves
        final: dict[str, str] = {}
        for source in self._moves:
            target = self._moves[source]
            seen = {source}
            while target in self._moves:
                if target in seen:
                    raise FileRejected(
                        f"accounts {', '.join(sorted(seen))} would each move to another of "
                        f"them: map their parties to one account with --accounts FILE"
                    )
                seen.add(target)
                target = self._moves[target]
            final[source] = target
        self._final_moves = final
        return final

    def _new_party_accounts(self) -> NewPartyAccounts:
        """The rows recording the new accounts as created for parties: one object for the
        write and the step that checks them (once the file is read, the accounts are known)."""
        if self._new_party_rows is None:
            self._new_party_rows = NewPartyAccounts(self._app, dict(self._new_parties))
        return self._new_party_rows

    def writes(self) -> list[TableWrite]:
        apps = TableWrite(
            table("app"), ("app_id",), [(app,) for app in self._new_apps], WriteMode.INSERT_MISSING
        )
        accounts = TableWrite(
            table("account"),
            ("account_id", "app_id", "name"),
            [(account, self._app, name) for account, name in self._new_accounts.items()],
            WriteMode.INSERT_MISSING,
        )
        for_parties = TableWrite(
            table("party_account"),
            ("account_id", "app_id", "party"),
            self._new_party_accounts(),
            WriteMode.INSERT_MISSING,
        )
        return [apps, accounts, for_parties]

    def before(self) -> PartyWrites | None:
        """The first step of the load's transaction when its parties involve accounts
        created for parties: it checks them again under the party lock, and moves the
        accounts created for parties by earlier loads, if any."""
        moved = self.moved()
        new = self._new_party_accounts()
        if not (moved or new.ids or self._taken_for_parties):
            return None
        return PartyWrites(app=self._app, new=new, taken=self._taken_for_parties, moves=moved)

    def is_new(self, account: str) -> bool:
        """Whether the load creates `account` (nothing can be stored under it yet)."""
        return account in self._new_accounts

    def created(self) -> dict[str, Sequence[str]]:
        return {"apps": list(self._new_apps), "accounts": list(self._new_accounts)}

    def notes(self) -> list[str]:
        """What became of the file's parties: `Parties: 4 linked to existing accounts (2 by
        id, 1 by name, 1 by mapping), 2 new accounts` (`no new account` on a reload)."""
        linked = sum(self._links.values())
        how = ", ".join(f"{count:,} {link}" for link, count in self._links.items() if count)
        new = len(self._new_accounts)
        notes = [
            f"Parties: {linked:,} linked to existing accounts"
            + (f" ({how})" if how else "")
            + (f", {counted(new, 'new account', 'new accounts')}" if new else ", no new account")
        ]
        if self._qualified:
            given = (
                ""
                if self._app_given
                else f" (no --app given: they are accounts of app {self._app!r})"
            )
            notes.append(
                f"Ids of {counted(len(self._qualified), 'new account', 'new accounts')} are "
                f"app:party, since other accounts (of other apps) have their parties' values "
                f"as ids: two apps' parties of one name are two accounts{given}: "
                f"{first_and_more(self._qualified, _LISTED_CANDIDATES, shown)}"
            )
        if self._by_name:
            notes.append(short_list(self._by_name, "Linked by name", "parties linked by name"))
        if self._mapping is not None:
            unused = [
                mapped.party
                for mapped in self._mapping.parties.values()
                if mapped.line not in self._mapped
            ]
            if unused:
                notes.append(
                    short_list(
                        unused,
                        f"Parties of {self._mapping.file_name} not in this file",
                        f"parties of {self._mapping.file_name} not in this file",
                    )
                )
        return notes


async def load_parties(connection: AsyncConnection, options: IngestOptions) -> Parties:
    """The accounts and apps the parties are resolved against, in two statements whatever
    their number."""
    accounts = table("account")
    for_party = table("party_account")
    app = options.app or DEFAULT_APP
    result = await connection.execute(
        select(
            accounts.c.account_id,
            accounts.c.app_id,
            accounts.c.name,
            for_party.c.party,
        ).outerjoin(for_party, for_party.c.account_id == accounts.c.account_id)
    )
    known: dict[str, KnownAccount] = {}
    party_accounts: dict[str, str] = {}
    for account_id, app_id, name, party in result:
        known[account_id] = KnownAccount(app_id, name, party is not None)
        if party is not None and app_id == app:
            party_accounts[party] = account_id
    apps = await connection.execute(select(table("app").c.app_id))
    parties = Parties(
        accounts=known,
        party_accounts=party_accounts,
        apps=set(apps.scalars()),
        app=app,
        app_given=options.app is not None,
        mapping=options.accounts,
    )
    parties.check_mapping()
    return parties
