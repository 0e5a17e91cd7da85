"""Creating, verifying, revoking and replacing API keys.

Secret keys (`sk_…`) open the admin API: only their SHA-256 is stored and the key is shown
once. Publishable keys (`pk_…`) only open the storefront API and sit in every storefront
page, so they are not secrets: the whole key is kept in plain text (`ApiKey.public_key`) and
shown again on the API keys page and by `haat keys`. Encrypting them would protect nothing
(anyone can read them from the storefront) and would tie them to SECRET_KEY, so rotating it
would lose them. Both kinds are still looked up by hash. A publishable key stored before
`public_key` was filled cannot be recovered from its hash: `replace_publishable_key` issues a
readable one under the same name, and the old one keeps working until it is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from haat.accounts.models import ApiKey, User
from haat.accounts.roles import Role
from haat.core.audit import record_audit
from haat.core.errors import NotFound, ValidationError

SECRET_PREFIX = "sk_"
PUBLISHABLE_PREFIX = "pk_"
# last_used_at is written at most this often per key, so busy integrations don't turn
# every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Publishable keys authenticate every storefront request (three per checkout flow), so a
# found key is kept in the cache this long. Revoking deletes the entry at once in the
# shared cache (Redis); a per-process cache (local memory) may still accept a revoked
# publishable key for at most this long. Secret keys are never cached.
PUBLISHABLE_CACHE_SECONDS = 30
_CACHE_PREFIX = "haat:api_key:"


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    plaintext: str  # shown to the creator once, never stored


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_api_key(
    *, name: str, kind: str, role: str = "", created_by: User | None = None
) -> IssuedKey:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError("Give the key a name of 1–100 characters.", details={"field": "name"})
    if kind not in ApiKey.Kind.values:
        raise ValidationError(f"Unknown key kind '{kind}'.", details={"field": "kind"})
    if kind == ApiKey.Kind.SECRET:
        if role not in Role.values:
            raise ValidationError(
                "A secret key needs a role: " + ", ".join(Role.values) + ".",
                details={"field": "role"},
            )
        plaintext = SECRET_PREFIX + secrets.token_urlsafe(32)
    else:
        role = ""
        plaintext = PUBLISHABLE_PREFIX + secrets.token_urlsafe(24)
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name,
            kind=kind,
            role=role,
            prefix=plaintext[:10],
            key_hash=hash_key(plaintext),
            public_key=plaintext if kind == ApiKey.Kind.PUBLISHABLE else "",
            created_by=created_by,
        )
        record_audit(action="api_key.create", obj=key, changes={"kind": kind, "role": role})
    return IssuedKey(key, plaintext)


def authenticate_key(plaintext: str, *, kind: str) -> ApiKey | None:
    """The active key of this kind for `plaintext`, or None. Touches last_used_at (at most
    once per LAST_USED_RESOLUTION). Publishable keys are served from the cache for up to
    PUBLISHABLE_CACHE_SECONDS; see there for what that means for revocation."""
    if not plaintext or len(plaintext) > 200:
        return None
    digest = hash_key(plaintext)
    cacheable = kind == ApiKey.Kind.PUBLISHABLE
    key = cache.get(_CACHE_PREFIX + digest) if cacheable else None
    if key is None or key.kind != kind:
        key = (
            ApiKey.objects.filter(key_hash=digest, kind=kind, revoked_at__isnull=True)
            .only("id", "name", "kind", "role", "prefix", "last_used_at", "revoked_at")
            .first()
        )
        if key is None:
            return None
        if cacheable:
            cache.set(_CACHE_PREFIX + digest, key, PUBLISHABLE_CACHE_SECONDS)
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
        if cacheable:
            cache.set(_CACHE_PREFIX + digest, key, PUBLISHABLE_CACHE_SECONDS)
    return key


def revoke_api_key(*, key_id: int) -> ApiKey:
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
        if key is None:
            raise NotFound("No such API key.")
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            record_audit(action="api_key.revoke", obj=key)
            digest = key.key_hash
            transaction.on_commit(lambda: cache.delete(_CACHE_PREFIX + digest))
    return key


def replace_publishable_key(*, key_id: int, created_by: User | None = None) -> IssuedKey:
    """A new publishable key with the same name, for one whose full key cannot be shown.
    The old key keeps working until it is revoked, so a storefront can switch first."""
    old = ApiKey.objects.filter(pk=key_id, kind=ApiKey.Kind.PUBLISHABLE).first()
    if old is None:
        raise NotFound("No such publishable key.")
    with transaction.atomic():
        issued = create_api_key(name=old.name, kind=ApiKey.Kind.PUBLISHABLE, created_by=created_by)
        record_audit(action="api_key.replace", obj=old, changes={"replaced_by": issued.api_key.pk})
    return issued
