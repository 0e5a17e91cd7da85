"""`Idempotency-Key` for order-creating POSTs (DESIGN §4).

The response of a successful request is stored under its key in the SAME transaction
that creates the order (one INSERT, no "in progress" row to clean up after a crash).
Concurrent duplicates both try; the unique (scope, key) pair — and, for one cart, the
conditional "complete the cart" UPDATE — lets exactly one commit. The loser rolls back,
gives its held stock back and answers with the winner's stored response. Later requests
with the same key and body get that response; with another body a 422. A request that
failed stored nothing, so a retry with the same key runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from haat.checkout.models import IdempotencyKey
from haat.core import sql
from haat.core.errors import ValidationError

MAX_KEY_LENGTH = 255


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


def stored_response(*, scope: str, key: str, fingerprint: str) -> IdempotencyKey | None:
    """The stored response for `key`, or None; a different request under it is a 422."""
    row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
    if row is not None and row.fingerprint != fingerprint:
        raise ValidationError(
            "This Idempotency-Key was used for a different request.",
            code="idempotency_key_reused",
            details={"field": "Idempotency-Key"},
        )
    return row


def store(*, scope: str, key: str, fingerprint: str, status: int, body: dict[str, Any]) -> None:
    """Remember the response; call inside the transaction that made the change (an
    IntegrityError here means a concurrent duplicate won)."""
    row = {
        "scope": scope,
        "key": key,
        "fingerprint": fingerprint,
        "response_status": status,
        "response_body": json.loads(json.dumps(body, default=str)),
    }
    sql.insert_rows(IdempotencyKey, [row], returning=())


def update(*, scope: str, key: str, body: dict[str, Any]) -> None:
    """Replace a stored response (checkout adds the payment it opened after COMMIT)."""
    IdempotencyKey.objects.filter(scope=scope, key=key).update(
        response_body=json.loads(json.dumps(body, default=str))
    )


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    replayed: bool


def run_once(
    *,
    scope: str,
    key: str | None,
    request: Any,
    run: Callable[[], dict[str, Any]],
    status: int = 201,
) -> Reply:
    """For POSTs whose effect is not one database transaction (opening a gateway payment):
    with a key seen before, the stored reply (200, replayed); otherwise `run()` and store
    its reply. When a concurrent duplicate stored first, its reply is returned instead."""
    if key is None:
        return Reply(status, run(), replayed=False)
    print_ = fingerprint(request)
    stored = stored_response(scope=scope, key=key, fingerprint=print_)
    if stored is not None:
        return Reply(200, stored.response_body, replayed=True)
    body = run()
    try:
        with transaction.atomic():
            store(scope=scope, key=key, fingerprint=print_, status=status, body=body)
    except IntegrityError:
        winner = stored_response(scope=scope, key=key, fingerprint=print_)
        return Reply(200, winner.response_body, replayed=True)
    return Reply(status, body, replayed=False)
