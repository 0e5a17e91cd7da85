"""Incoming gateway events: verify, store, deduplicate, then process in the background.

`receive()` runs in the webhook request: it verifies the signature over the raw body,
stores the event (unique per gateway + event id, so a replay stores nothing) and enqueues
`process_webhook_event` on commit, then the view answers 200 at once. `process_event()`
runs in a worker: it parses the stored body into `GatewayUpdate`s and hands each to
`haat.payments.services.apply_gateway_update`, which is idempotent itself.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from haat.core.errors import DomainError, NotFound
from haat.gateways import razorpay, razorpay_events, stripe, testgateway
from haat.gateways.common import header
from haat.gateways.errors import InvalidSignature
from haat.gateways.models import WebhookEvent
from haat.gateways.registry import credentials_for, test_gateway_enabled
from haat.payments.types import GatewayUpdate

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
REJECTED_BODY_BYTES = 16 * 1024  # enough to diagnose a secret mix-up, not a flood
KEPT_HEADERS = (
    "Content-Type",
    "User-Agent",
    razorpay.SIGNATURE_HEADER,
    razorpay.EVENT_ID_HEADER,
    stripe.SIGNATURE_HEADER,
    testgateway.SIGNATURE_HEADER,
)
S = WebhookEvent.Status

PARSERS: dict[str, Callable[[bytes, str], list[GatewayUpdate]]] = {
    "razorpay": razorpay_events.parse_webhook,
    "stripe": stripe.parse_webhook,
    "test": testgateway.parse_webhook,
}


def _verify(gateway: str, body: bytes, headers: dict[str, str]) -> tuple[str, str]:
    """Verify the signature; return (event id, event type). Raises InvalidSignature."""
    if gateway == "razorpay":
        secrets = credentials_for("razorpay").webhook_secrets
        razorpay.verify_webhook(body, header(headers, razorpay.SIGNATURE_HEADER), secrets)
        event_id = header(headers, razorpay.EVENT_ID_HEADER) or _digest(body)
        return event_id, razorpay_events.event_type(body)
    if gateway == "stripe":
        secrets = credentials_for("stripe").webhook_secrets
        stripe.verify_webhook(body, header(headers, stripe.SIGNATURE_HEADER), secrets)
        return stripe.event_id(body) or _digest(body), stripe.event_type(body)
    raise InvalidSignature(f"Unknown gateway '{gateway}'.", code="unknown_gateway")


def _digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def receive(*, gateway: str, body: bytes, headers: dict[str, str]) -> tuple[WebhookEvent, bool]:
    """Verify and store one delivery. Returns (event, created); created is False for a
    replay. A bad signature is recorded as `rejected` and re-raised (the view answers 400)."""
    kept = {name: header(headers, name) for name in KEPT_HEADERS if header(headers, name)}
    try:
        event_id, event_type = _verify(gateway, body, headers)
    except InvalidSignature as exc:
        WebhookEvent.objects.create(
            gateway=gateway[:20],
            event_id=(header(headers, razorpay.EVENT_ID_HEADER) or _digest(body))[:255],
            headers=kept,
            body=body[:REJECTED_BODY_BYTES],
            signature_valid=False,
            status=S.REJECTED,
            error=exc.message,
        )
        logger.warning("Rejected %s webhook: %s", gateway, exc.message)
        raise
    return store_event(
        gateway=gateway, event_id=event_id, event_type=event_type, headers=kept, body=body
    )


def store_event(
    *, gateway: str, event_id: str, event_type: str, headers: dict[str, str], body: bytes
) -> tuple[WebhookEvent, bool]:
    """Store a verified event once and enqueue its processing after commit."""
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                gateway=gateway,
                event_id=event_id[:255],
                event_type=event_type[:100],
                headers=headers,
                body=body,
                signature_valid=True,
            )
            transaction.on_commit(lambda: enqueue(event.pk))
    except IntegrityError:
        existing = WebhookEvent.objects.get(
            gateway=gateway, event_id=event_id[:255], signature_valid=True
        )
        return existing, False
    return event, True


def enqueue(event_pk: int) -> None:
    """Never raises: the event is stored, and the periodic sweep picks up a lost enqueue."""
    from haat.gateways.tasks import process_webhook_event

    try:
        process_webhook_event.enqueue(event_pk)
    except Exception:
        logger.exception("Could not enqueue webhook event %s; the sweep will process it", event_pk)


def process_event(event_pk: int) -> str:
    """Apply a stored event's updates; returns the event's final status. Safe to run
    twice: a processed or ignored event is left alone, and each update is idempotent."""
    from haat.payments.services import apply_gateway_update

    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update()
            .filter(pk=event_pk, signature_valid=True)
            .first()
        )
        if event is None:
            return "missing"
        if event.status in (S.PROCESSED, S.IGNORED):
            return event.status
        event.attempts += 1
        try:
            if event.gateway == "test" and not test_gateway_enabled():
                return _finish(event, S.IGNORED, "The test gateway is switched off.")
            updates = PARSERS[event.gateway](bytes(event.body), event.event_id)
            if not updates:
                return _finish(event, S.IGNORED, f"Haat does not act on '{event.event_type}'.")
            unknown = []
            for update in updates:
                try:
                    apply_gateway_update(update)
                except NotFound as exc:  # no Payment of ours: store, answer 200, ignore
                    unknown.append(exc.message)
            if len(unknown) == len(updates):
                return _finish(event, S.IGNORED, " ".join(unknown))
        except DomainError as exc:
            logger.warning("Webhook event %s failed: %s", event.pk, exc.message)
            return _finish(event, S.FAILED, exc.message)
        return _finish(event, S.PROCESSED, "")


def _finish(event: WebhookEvent, status: str, error: str) -> str:
    event.status = status
    event.error = error
    event.processed_at = timezone.now()
    event.save(update_fields=["status", "error", "processed_at", "attempts"])
    return status


def mark_crashed(event_pk: int, error: str) -> None:
    """After an unexpected exception rolled processing back: keep a trace for staff."""
    WebhookEvent.objects.filter(pk=event_pk, status__in=[S.RECEIVED, S.FAILED]).update(
        status=S.FAILED, error=error[:4000]
    )


def retry_due(*, now=None, limit: int = 100) -> int:
    """Re-enqueue events whose enqueue was lost (received > 1 min ago) or that failed
    fewer than MAX_ATTEMPTS times (after a back-off of 2^attempts minutes)."""
    now = now or timezone.now()
    candidates = WebhookEvent.objects.filter(
        Q(status=S.RECEIVED) | Q(status=S.FAILED, attempts__lt=MAX_ATTEMPTS),
        signature_valid=True,
        received_at__lte=now - timedelta(minutes=1),
    ).order_by("id")[:limit]
    due = [
        e.pk
        for e in candidates.only("pk", "status", "attempts", "processed_at", "received_at")
        if e.status == S.RECEIVED
        or (e.processed_at or e.received_at) <= now - timedelta(minutes=2**e.attempts)
    ]
    for pk in due:
        enqueue(pk)
    return len(due)
