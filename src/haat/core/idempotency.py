"""`Idempotency-Key` for POSTs that create orders, payments or refunds (DESIGN §4).

As Stripe does it: the first reply to a key is stored under (scope, key) with a
fingerprint of the request. The same key with the same request gets that reply again
(`replayed`); with another request it is a 422 `idempotency_key_reused`. A request that
failed stored nothing, so a retry with its key runs again.

The reply belongs to the front door, the result to the service: an `IdempotentRequest`
carries `answer`, the front door's function from a service's result to its reply, so a
service records its result without knowing status codes or bodies. Two ways to use it:

- A service whose effect is one transaction calls `record` inside it (one INSERT, no
  "in progress" row to clean up after a crash). Of two concurrent duplicates exactly one
  commits (the unique (scope, key) pair); the loser rolls back and answers with the
  winner's reply through `replay`. `update` replaces the reply after COMMIT (checkout adds
  the payment it opened).
- `run_once` wraps an effect that is not one transaction (opening a gateway payment).
- `replay` then `save` guard a service that is idempotent by the key itself (refunds):
  the key is refused for another request, and the stored reply kept current.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from haat.core import sql
from haat.core.error_codes import CoreError
from haat.core.errors import ValidationError
from haat.core.models import IdempotencyKey

MAX_KEY_LENGTH = 255
R = TypeVar("R")


@dataclass(frozen=True)
class Reply:
    """What the front door answers: a status and a JSON body (`replayed` when it is the
    stored reply to a key seen before)."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


@dataclass(frozen=True)
class IdempotentRequest(Generic[R]):
    scope: str
    key: str
    fingerprint: str
    answer: Callable[[R], Reply]


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
            code=CoreError.INVALID_IDEMPOTENCY_KEY,
            details={"field": "Idempotency-Key"},
        )
    return key


def idempotent_request(
    *, scope: str, key: str | None, request: Any, answer: Callable[[R], Reply]
) -> IdempotentRequest[R] | None:
    """The request made with header value `key` (None without one; a malformed key is a
    422). `request` is what the caller asked for (path and body): its fingerprint tells
    a retry from another request reusing the key."""
    key = clean_key(key)
    if key is None:
        return None
    return IdempotentRequest(scope, key, fingerprint(request), answer)


def replay(request: IdempotentRequest[Any]) -> Reply | None:
    """The stored reply for this key, or None; another request under it is a 422."""
    row = (
        IdempotencyKey.objects.filter(scope=request.scope, key=request.key)
        .values_list("fingerprint", "response_status", "response_body")
        .first()
    )
    if row is None:
        return None
    if row[0] != request.fingerprint:
        raise ValidationError(
            "This Idempotency-Key was used for a different request.",
            code=CoreError.IDEMPOTENCY_KEY_REUSED,
            details={"field": "Idempotency-Key"},
        )
    return Reply(row[1], row[2], replayed=True)


def _json(body: dict[str, Any]) -> dict[str, Any]:
    """The body as it is stored and replayed: plain JSON (datetimes as the API writes them)."""
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


def record(request: IdempotentRequest[R], result: R) -> Reply:
    """Store the reply to `result`; call inside the transaction that made the change (an
    IntegrityError here means a concurrent duplicate won). Returns the reply."""
    reply = request.answer(result)
    row = {
        "scope": request.scope,
        "key": request.key,
        "fingerprint": request.fingerprint,
        "response_status": reply.status,
        "response_body": _json(reply.body),
    }
    sql.insert_rows(IdempotencyKey, [row], returning=())
    return reply


def update(request: IdempotentRequest[R], result: R) -> Reply:
    """Replace the stored reply with the reply to `result` (checkout adds the payment it
    opened after COMMIT). Returns the reply."""
    reply = request.answer(result)
    IdempotencyKey.objects.filter(scope=request.scope, key=request.key).update(
        response_status=reply.status, response_body=_json(reply.body)
    )
    return reply


def save(request: IdempotentRequest[R], result: R) -> Reply:
    """Store the reply to `result` in its own transaction, replacing the one stored before
    (refunds: the service is idempotent itself and answers with the refund as it is now)."""
    try:
        with transaction.atomic():
            return record(request, result)
    except IntegrityError:
        return update(request, result)


def run_once(request: IdempotentRequest[R], run: Callable[[], R]) -> Reply:
    """For POSTs whose effect is not one database transaction (opening a gateway payment):
    with a key seen before, the stored reply (status 200: the effect happened before);
    otherwise `run()` and store the reply to its result. When a concurrent duplicate
    stored first, its reply is returned instead."""
    stored = replay(request)
    if stored is not None:
        return Reply(200, stored.body, replayed=True)
    result = run()
    try:
        with transaction.atomic():
            return record(request, result)
    except IntegrityError:
        winner = replay(request)
        if winner is None:
            raise
        return Reply(200, winner.body, replayed=True)
