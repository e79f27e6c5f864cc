"""Who may see what: the one place where a request's credential narrows the store's reads.

Every read of accounts, companies and contracts applies `account_visible(scope)`; anything a
scope excludes behaves exactly like something that does not exist. The scope comes from the
request's API key, never from a query argument."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, false, select, true

from store.tables import ACCOUNT_TABLE, APP_TABLE


class Role(StrEnum):
    INTERNAL = "internal"  # everything
    APP = "app"  # everything of one app
    ACCOUNT = "account"  # one account, its companies, contracts and their data
    PUBLIC = "public"  # publishable benchmarks and the pulse report only


@dataclass(frozen=True, slots=True)
class Scope:
    role: Role
    app_id: str | None = None
    account_id: str | None = None

    def sees_app(self, app_id: str) -> bool:
        return self.role is Role.INTERNAL or (self.role is Role.APP and self.app_id == app_id)


INTERNAL = Scope(Role.INTERNAL)


def account_visible(scope: Scope) -> ColumnElement[bool]:
    """The condition on the account table (joined wherever companies or contracts are read)."""
    account = ACCOUNT_TABLE.c
    if scope.role is Role.INTERNAL:
        return true()
    if scope.role is Role.APP:
        return account.app_id == scope.app_id
    if scope.role is Role.ACCOUNT:
        return account.account_id == scope.account_id
    return false()


def app_visible(scope: Scope) -> ColumnElement[bool]:
    """The condition on the app table: an internal key sees every app, an app key its own, an
    account key its account's app, a public key none."""
    app_id = APP_TABLE.c.app_id
    if scope.role is Role.INTERNAL:
        return true()
    if scope.role is Role.APP:
        return app_id == scope.app_id
    if scope.role is Role.ACCOUNT:
        account = ACCOUNT_TABLE.c
        return app_id.in_(select(account.app_id).where(account.account_id == scope.account_id))
    return false()
