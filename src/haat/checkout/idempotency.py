"""`Idempotency-Key` for order-creating POSTs (DESIGN §4).

The first request with a key inserts an `in_progress` row; the unique (scope, key) pair
makes a concurrent duplicate fail that INSERT, so exactly one request does the work. Its
response is stored in the same transaction that creates the order; later requests with
the same key and body get that response, with another body a 422. A request that fails
with a domain error deletes its row so the shopper can retry with the same key; a row
left `in_progress` by a crashed process can be taken over after `STALE_AFTER`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from haat.checkout.models import IdempotencyKey
from haat.core.errors import Conflict, ValidationError

MAX_KEY_LENGTH = 255
STALE_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]


def fingerprint(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def clean_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            code="invalid_idempotency_key",
            details={"field": "Idempotency-Key"},
        )
    return key


def begin(*, scope: str, key: str, fingerprint: str) -> IdempotencyKey | StoredResponse:
    """Claim `key` (returns the new row) or return the response stored for it."""
    now = timezone.now()
    row = IdempotencyKey(
        scope=scope, key=key, fingerprint=fingerprint, status="in_progress", locked_at=now
    )
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                row.save(force_insert=True)
        else:  # autocommit: a failed INSERT needs no savepoint
            row.save(force_insert=True)
        return row
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(scope=scope, key=key).first()
    if existing is None:  # its owner failed and let go between our INSERT and SELECT
        return begin(scope=scope, key=key, fingerprint=fingerprint)
    if existing.fingerprint != fingerprint:
        raise ValidationError(
            "This Idempotency-Key was used for a different request.",
            code="idempotency_key_reused",
            details={"field": "Idempotency-Key"},
        )
    if existing.status == IdempotencyKey.Status.DONE:
        return StoredResponse(existing.response_status or 200, existing.response_body or {})
    taken = IdempotencyKey.objects.filter(
        pk=existing.pk, status="in_progress", locked_at__lt=now - STALE_AFTER
    ).update(locked_at=now)
    if taken:
        return existing
    raise Conflict(
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        code="idempotency_key_in_progress",
        details={"field": "Idempotency-Key"},
    )


def finish(row: IdempotencyKey, *, status: int, body: dict[str, Any]) -> None:
    """Store the response; call inside the transaction that made the change."""
    IdempotencyKey.objects.filter(pk=row.pk).update(
        status=IdempotencyKey.Status.DONE,
        response_status=status,
        response_body=json.loads(json.dumps(body, default=str)),
        completed_at=timezone.now(),
    )


def abandon(row: IdempotencyKey) -> None:
    """The request failed: let a retry with the same key run again."""
    IdempotencyKey.objects.filter(pk=row.pk, status="in_progress").delete()
