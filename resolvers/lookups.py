"""Root lookups by external or global id (a missing entity is a NOT_FOUND error), and the
root pages of accounts, companies and contracts (a missing or hidden id is left out)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader

from resolvers.context import RequestContext
from resolvers.errors import not_found
from resolvers.global_ids import decode_global_id
from resolvers.loaders import Loaders
from resolvers.pagination import MAX_IDS, CursorKind, check_first, check_ids, decode_cursor
from store.reads import apps as app_reads
from store.reads import entities as reads
from store.reads.entities import AccountFilter
from store.records import (
    AccountPage,
    AccountRecord,
    AppRecord,
    CompanyPage,
    CompanyRecord,
    ContractPage,
    ContractRecord,
    IndustryRecord,
)
from store.scope import Scope

R = TypeVar("R")
P = TypeVar("P")
P_co = TypeVar("P_co", covariant=True)

EntityRecord = AccountRecord | CompanyRecord | ContractRecord | IndustryRecord


async def account(context: RequestContext, account_id: str) -> AccountRecord:
    return _found(await context.loaders.account_by_id.load(account_id), "account", account_id)


async def company(context: RequestContext, company_id: str) -> CompanyRecord:
    return _found(await context.loaders.company_by_id.load(company_id), "company", company_id)


async def contract(context: RequestContext, contract_id: str) -> ContractRecord:
    return _found(await context.loaders.contract_by_id.load(contract_id), "contract", contract_id)


async def industry(context: RequestContext, industry_id: str) -> IndustryRecord:
    return _found(await context.loaders.industry_by_id.load(industry_id), "industry", industry_id)


async def node(context: RequestContext, global_id: str) -> EntityRecord:
    type_name, key = decode_global_id(global_id)
    loaders = context.loaders
    record: EntityRecord | None
    if type_name == "Account":
        record = await loaders.account_by_id.load(key)
    elif type_name == "Company":
        record = await loaders.company_by_id.load(key)
    elif type_name == "Contract":
        record = await loaders.contract_by_id.load(key)
    else:
        record = await loaders.industry_by_id.load(key)
    if record is None:
        raise not_found("node", global_id)
    return record


def _found(record: R | None, kind: str, key: str) -> R:
    """The record a root lookup found; a missing (or hidden) one is a NOT_FOUND error."""
    if record is None:
        raise not_found(kind, key)
    return record


async def account_page(
    context: RequestContext,
    *,
    account_ids: list[str] | None,
    app: str | None,
    industry_id: str | None,
    is_key_account: bool | None,
    first: int | None,
    after: str | None,
    search: str | None = None,
) -> AccountPage:
    account_filter = AccountFilter(
        account_ids=check_ids("accountIds", account_ids),
        app=app,
        industry_id=industry_id,
        is_key_account=is_key_account,
        search=search,
    )
    page_size = check_first(first)
    after_id = decode_cursor(after)
    if account_filter.account_ids is not None:
        return await _accounts_in_asked_order(
            context, account_filter, first=page_size, after=after_id
        )
    return await context.reader.read(
        lambda connection: reads.account_page(
            connection,
            account_filter=account_filter,
            first=page_size,
            after=after_id,
            scope=context.scope,
        ),
    )


async def _accounts_in_asked_order(
    context: RequestContext, account_filter: AccountFilter, *, first: int, after: str | None
) -> AccountPage:
    """Accounts asked for by id come in the order asked (each once): the whole list (at most
    MAX_IDS) is read in one statement, then paged in that order; `after` is the id after
    which the page starts."""
    found = await context.reader.read(
        lambda connection: reads.account_page(
            connection,
            account_filter=account_filter,
            first=MAX_IDS,
            after=None,
            scope=context.scope,
        ),
    )
    by_id = {record.account_id: record for record in found.accounts}
    ordered = [by_id[key] for key in account_filter.account_ids or () if key in by_id]
    return AccountPage(*_page_of(ordered, [r.account_id for r in ordered], first, after))


class KeysetPageRead(Protocol[P_co]):
    """A store read of one page of what the scope sees, ordered by id, after the id `after`."""

    def __call__(
        self, connection: AsyncConnection, *, first: int, after: str | None, scope: Scope
    ) -> Awaitable[P_co]: ...


@dataclass(frozen=True, slots=True)
class EntityPages(Generic[R, P]):
    """What paging one kind of entity by ids takes: the ids' argument, its cursors, the loader
    of one by id, a record's id, the page built of records, and the store's keyset page."""

    ids_argument: str
    cursor_kind: CursorKind
    loader: Callable[[Loaders], DataLoader[str, R | None]]
    key: Callable[[R], str]
    page: Callable[[list[R], bool, int, bool], P]
    read_page: KeysetPageRead[P]


COMPANY_PAGES: EntityPages[CompanyRecord, CompanyPage] = EntityPages(
    ids_argument="companyIds",
    cursor_kind="company",
    loader=lambda loaders: loaders.company_by_id,
    key=lambda record: record.company_id,
    page=CompanyPage,
    read_page=reads.company_page,
)
CONTRACT_PAGES: EntityPages[ContractRecord, ContractPage] = EntityPages(
    ids_argument="contractIds",
    cursor_kind="contract",
    loader=lambda loaders: loaders.contract_by_id,
    key=lambda record: record.contract_id,
    page=ContractPage,
    read_page=reads.contract_page,
)


async def entity_page(
    context: RequestContext,
    pages: EntityPages[R, P],
    *,
    ids: list[str] | None,
    first: int | None,
    after: str | None,
) -> P:
    """A page of the companies or contracts the key sees: those asked for, in the order asked
    (each once; hidden and unknown ids are left out alike), or all of them by id."""
    asked = check_ids(pages.ids_argument, ids)
    page_size = check_first(first)
    after_id = decode_cursor(after, pages.cursor_kind)
    if asked is not None:
        # One statement for them all, through the loader other lookups of the request share.
        found = await pages.loader(context.loaders).load_many(asked)
        ordered = [record for record in found if record is not None]
        keys = [pages.key(record) for record in ordered]
        return pages.page(*_page_of(ordered, keys, page_size, after_id))
    return await context.reader.read(
        lambda connection: pages.read_page(
            connection, first=page_size, after=after_id, scope=context.scope
        ),
    )


def _page_of(
    ordered: list[R], keys: list[str], first: int, after: str | None
) -> tuple[list[R], bool, int, bool]:
    """One page of records already in the order asked (with their ids as `keys`): the page
    starts after the record whose id is `after` (none left if no record has it); then whether
    another page follows, how many there are in all, and whether some come before the page."""
    start = 0
    if after is not None:
        start = keys.index(after) + 1 if after in keys else len(ordered)
    return ordered[start : start + first], start + first < len(ordered), len(ordered), start > 0


async def all_industries(context: RequestContext) -> list[IndustryRecord]:
    return await context.reader.read(reads.all_industries)


async def apps(context: RequestContext) -> list[AppRecord]:
    """The apps the key sees, with how many of their accounts it sees: one statement."""
    return await context.reader.read(
        lambda connection: app_reads.apps(connection, scope=context.scope)
    )
