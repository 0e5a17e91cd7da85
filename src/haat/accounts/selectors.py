"""Reads for the staff and API-key pages and endpoints."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from haat.accounts.models import ApiKey, User
from haat.core.errors import NotFound


def staff_list(*, q: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    """Staff filtered by text (name or e-mail), role and status ("active"/"inactive")."""
    users = User.objects.all().order_by("-is_active", "email")
    q = (q or "").strip()
    if q:
        users = users.filter(Q(email__icontains=q) | Q(full_name__icontains=q))
    if role:
        users = users.filter(role=role)
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    return users


def get_staff(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound("No such staff member.", details={"id": user_id})
    return user


def api_key_list(*, kind: str = "", include_revoked: bool = True) -> QuerySet[ApiKey]:
    """Keys newest first, with their creator in the same query; never the hash."""
    keys = ApiKey.objects.select_related("created_by").defer("key_hash")
    if kind:
        keys = keys.filter(kind=kind)
    if not include_revoked:
        keys = keys.filter(revoked_at__isnull=True)
    return keys.order_by(F("revoked_at").asc(nulls_first=True), "-created_at")


def get_api_key(key_id: int) -> ApiKey:
    key = ApiKey.objects.select_related("created_by").defer("key_hash").filter(pk=key_id).first()
    if key is None:
        raise NotFound("No such API key.", details={"id": key_id})
    return key
