"""Who is calling the API.

- `StaffAuth`: an admin secret key (`Authorization: Bearer sk_...`) or a signed-in staff
  session (the dashboard's own fetches; CSRF enforced). The principal has `.can(perm)`.
- `StorefrontAuth`: a publishable key in `X-Publishable-Key` (or `?key=`).

Endpoints check permissions with `require(request, Perm.X)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security.session import SessionAuth

from haat.accounts.api_keys import authenticate_key
from haat.accounts.models import ApiKey
from haat.accounts.roles import has_permission
from haat.core.context import Actor, client_ip, set_actor
from haat.core.errors import PermissionDenied


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of an admin endpoint."""

    role: str
    label: str
    user: Any | None = None
    api_key: ApiKey | None = None

    def can(self, perm: str) -> bool:
        return has_permission(self.role, perm)


class _BearerKey(HttpBearer):
    openapi_description = "Admin secret key: `Authorization: Bearer sk_...`"

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        key = authenticate_key(token, kind=ApiKey.Kind.SECRET)
        if key is None:
            return None
        principal = Principal(role=key.role, label=f"api-key:{key.name}", api_key=key)
        set_actor(Actor(user=None, label=principal.label, ip_address=client_ip(request)))
        return principal


class _StaffSession(SessionAuth):
    openapi_description = "Signed-in dashboard session (CSRF token required for writes)"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing to protect from CSRF: a missing,
        # forged or revoked key is then 401 not_authenticated, not 403 "CSRF check failed".
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        return Principal(role=user.role, label=user.email, user=user)


class _PublishableKey(APIKeyHeader):
    param_name = "X-Publishable-Key"
    openapi_description = "Publishable storefront key (`pk_...`)"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        key = key or request.GET.get("key")
        return authenticate_key(key or "", kind=ApiKey.Kind.PUBLISHABLE)


StaffAuth = [_BearerKey(), _StaffSession(csrf=True)]
StorefrontAuth = [_PublishableKey()]


def principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,return-value]


def require(request: HttpRequest, perm: str) -> Principal:
    who = principal(request)
    if not who.can(perm):
        raise PermissionDenied(
            f"Your role ({who.role}) may not do this.", details={"permission": perm}
        )
    return who
