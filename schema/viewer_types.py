"""The key a request is read with, as its holder already knows it: its role and what it is
bound to. A client that hands on what it read (a customer's deck) needs it to say whether
what it shows is what the customer's own key is told; nothing here is data of the store."""

from __future__ import annotations

import strawberry

from schema.enums import described_enum
from store.scope import Role, Scope

described_enum(
    Role,
    name="KeyRole",
    description="What a key may see (every request carries one; `serve --no-auth` reads as "
    "INTERNAL).",
    values={
        "INTERNAL": "Everything, with exact figures across accounts.",
        "APP": "Everything of one app (tenant).",
        "ACCOUNT": "One account (its companies, contracts, sales and credit), plus the "
        "publishable benchmarks and pulse report.",
        "PUBLIC": "The publishable benchmarks and the pulse report only.",
    },
)


@strawberry.type(
    description="The API key this request is read with. A client that shows a customer what "
    "it read tells from it whether that is what the customer's own key is told (role ACCOUNT "
    "and the customer's accountId) or more (any other key)."
)
class Viewer:
    role: Role = strawberry.field(description="What the key may see.")
    app_id: str | None = strawberry.field(
        description="The app an app key is bound to, or an account key's account's app; null "
        "for internal and public keys."
    )
    account_id: str | None = strawberry.field(
        description="The account an account key is bound to; null for every other key."
    )

    @classmethod
    def of(cls, scope: Scope) -> Viewer:
        bound = scope.role in (Role.APP, Role.ACCOUNT)
        return cls(
            role=scope.role,
            app_id=scope.app_id if bound else None,
            account_id=scope.account_id if scope.role is Role.ACCOUNT else None,
        )
