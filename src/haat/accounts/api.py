"""Admin API for staff and API keys (mounted at /api/v1/admin/)."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from haat.accounts import selectors, services
from haat.accounts.api_keys import create_api_key, revoke_api_key
from haat.accounts.models import ApiKey, User
from haat.accounts.roles import Perm, permissions_for
from haat.accounts.schemas import (
    ApiKeyCreatedOut,
    ApiKeyCreateIn,
    ApiKeyOut,
    MeOut,
    StaffCreateIn,
    StaffOut,
    StaffPatchIn,
)
from haat.api.auth import StaffAuth, principal, require
from haat.api.pagination import Paginated
from haat.core.schemas import errors

admin_router = Router(auth=StaffAuth, tags=["admin: staff & API keys"])


class StaffFilters(Schema):
    q: str = ""
    role: str = ""
    status: str = ""


class ApiKeyFilters(Schema):
    kind: str = ""
    include_revoked: bool = True


@admin_router.get(
    "me", response={200: MeOut, **errors(401)}, summary="Who am I: role and permissions"
)
def me(request: HttpRequest) -> dict:
    """The caller: a signed-in staff member or an API key, with its role and the
    permissions that role grants."""
    who = principal(request)
    return {
        "kind": "api_key" if who.api_key is not None else "user",
        "label": who.label,
        "role": who.role,
        "permissions": permissions_for(who.role),
        "user_id": who.user.pk if who.user is not None else None,
        "api_key_id": who.api_key.pk if who.api_key is not None else None,
    }


@admin_router.get(
    "staff", response={200: list[StaffOut], **errors(401, 403, 422)}, summary="List staff"
)
@paginate(Paginated)
def list_staff(request: HttpRequest, filters: Query[StaffFilters]):
    """Filter with `q` (name or e-mail), `role`, `status` (`active` / `inactive`)."""
    require(request, Perm.STAFF_MANAGE)
    return selectors.staff_list(q=filters.q, role=filters.role, status=filters.status)


@admin_router.post(
    "staff", response={201: StaffOut, **errors(401, 403, 409, 422)}, summary="Add a staff member"
)
def create_staff(request: HttpRequest, payload: StaffCreateIn):
    """Without `password`, the member is e-mailed a one-time link to choose one."""
    who = require(request, Perm.STAFF_MANAGE)
    user = services.create_staff(
        email=payload.email,
        full_name=payload.full_name,
        role=payload.role,
        password=payload.password,
        invited_by=who.user,
        actor_role=who.role,
        origin=request.build_absolute_uri("/"),
    )
    return Status(201, user)


@admin_router.get(
    "staff/{int:user_id}",
    response={200: StaffOut, **errors(401, 403, 404)},
    summary="Get a staff member",
)
def get_staff(request: HttpRequest, user_id: int) -> User:
    """One staff member: e-mail, name, role, active flag, last sign-in."""
    require(request, Perm.STAFF_MANAGE)
    return selectors.get_staff(user_id)


@admin_router.patch(
    "staff/{int:user_id}",
    response={200: StaffOut, **errors(401, 403, 404, 409, 422)},
    summary="Change a staff member",
)
def update_staff(request: HttpRequest, user_id: int, payload: StaffPatchIn) -> User:
    """Send only the fields to change. 409 `last_owner` if it would leave no active owner."""
    who = require(request, Perm.STAFF_MANAGE)
    user = selectors.get_staff(user_id)
    fields = payload.model_dump(exclude_unset=True)
    return services.update_staff(user=user, actor_role=who.role, **fields)


@admin_router.get(
    "api-keys", response={200: list[ApiKeyOut], **errors(401, 403, 422)}, summary="List API keys"
)
@paginate(Paginated)
def list_api_keys(request: HttpRequest, filters: Query[ApiKeyFilters]):
    """Active keys first, newest first. Secret keys are never shown, only their prefix."""
    require(request, Perm.API_KEYS_MANAGE)
    return selectors.api_key_list(kind=filters.kind, include_revoked=filters.include_revoked)


@admin_router.post(
    "api-keys",
    response={201: ApiKeyCreatedOut, **errors(401, 403, 422)},
    summary="Create an API key",
)
def create_key(request: HttpRequest, payload: ApiKeyCreateIn):
    """The response's `key` is the only time the full key is shown."""
    who = require(request, Perm.API_KEYS_MANAGE)
    issued = create_api_key(
        name=payload.name, kind=payload.kind, role=payload.role or "", created_by=who.user
    )
    key: ApiKey = issued.api_key
    key.key = issued.plaintext  # type: ignore[attr-defined]  # for the response only
    return Status(201, key)


@admin_router.post(
    "api-keys/{int:key_id}/revoke",
    response={200: ApiKeyOut, **errors(401, 403, 404)},
    summary="Revoke an API key",
)
def revoke_key(request: HttpRequest, key_id: int) -> ApiKey:
    """Takes effect at once; revoking an already revoked key changes nothing."""
    require(request, Perm.API_KEYS_MANAGE)
    revoke_api_key(key_id=key_id)
    return selectors.get_api_key(key_id)
