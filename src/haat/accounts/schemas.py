"""Admin API shapes for staff and API keys. No schema carries a key hash; only
`ApiKeyCreatedOut` carries a key, once, in the response that created it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

RoleName = Literal["owner", "manager", "fulfilment", "marketing", "support"]
KeyKind = Literal["secret", "publishable"]


class MeOut(Schema):
    kind: Literal["user", "api_key"] = Field(description="Signed-in staff session or API key")
    label: str = Field(description="The staff member's e-mail, or `api-key:<name>`")
    role: str = Field(description="Role whose permissions apply to this caller")
    permissions: list[str] = Field(description="Every permission the role grants")
    user_id: int | None = Field(None, description="Staff member id for a session caller")
    api_key_id: int | None = Field(None, description="Key id for an API-key caller")


class StaffOut(Schema):
    id: int
    email: str = Field(description="Sign-in address, lower-case")
    full_name: str
    role: str = Field(description="One of owner, manager, fulfilment, marketing, support")
    is_active: bool = Field(description="False once deactivated; inactive staff cannot sign in")
    has_password: bool = Field(
        description="False while an invited member has not yet chosen a password"
    )
    last_login: datetime | None
    date_joined: datetime

    @staticmethod
    def resolve_has_password(obj) -> bool:
        return obj.has_usable_password()


class StaffCreateIn(Schema):
    email: str = Field(max_length=254, description="Unique, compared without regard to case")
    full_name: str = Field("", max_length=150)
    role: RoleName = Field(description="Only an owner may create another owner")
    password: str | None = Field(
        None,
        description="Optional. Without it the member is e-mailed a link to set a password.",
    )


class StaffPatchIn(Schema):
    full_name: str | None = Field(None, max_length=150)
    role: RoleName | None = Field(
        None, description="The last active owner cannot be demoted (409 `last_owner`)"
    )
    is_active: bool | None = Field(
        None, description="False deactivates; the last active owner cannot be deactivated"
    )


class ApiKeyOut(Schema):
    id: int
    name: str
    kind: KeyKind = Field(description="`secret` for the admin API, `publishable` for storefronts")
    prefix: str = Field(description="First characters of the key, to tell keys apart")
    role: str = Field(description="Role of a secret key; empty for publishable keys")
    public_key: str = Field(
        description="The whole key for publishable keys (not secret); empty for secret keys"
    )
    created_at: datetime
    created_by: str | None = Field(None, description="E-mail of the staff member who made it")
    last_used_at: datetime | None = Field(None, description="Updated at most once a minute")
    revoked_at: datetime | None = Field(None, description="Set once revoked; revoked keys get 401")

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.email if obj.created_by_id else None


class ApiKeyCreateIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="Who or what uses the key")
    kind: KeyKind
    role: RoleName | None = Field(None, description="Required for secret keys")


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(
        description="The full key. A secret key is shown only in this response: store it now, "
        "it cannot be read again. A publishable key is also returned as `public_key` by the "
        "list."
    )
