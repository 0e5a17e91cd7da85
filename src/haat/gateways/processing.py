"""Processing stored gateway events: parse each into `GatewayUpdate`s and hand them to
payments (the handler registered in `callbacks`, itself idempotent). Runs in a worker
(`tasks.process_webhook_event`); failed events are retried with back-off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haat.core.errors import DomainError, NotFound
from haat.gateways import callbacks, razorpay_events, stripe, testgateway_events
from haat.gateways.credentials import test_gateway_enabled
from haat.gateways.models import WebhookEvent
from haat.gateways.types import GatewayUpdate

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
S = WebhookEvent.Status

PARSERS: dict[str, Callable[[bytes, str], list[GatewayUpdate]]] = {
    "razorpay": razorpay_events.parse_webhook,
    "stripe": stripe.parse_webhook,
    "test": testgateway_events.parse_webhook,
}


def process_event(event_pk: int) -> str:
    """Apply a stored event's updates; returns the event's final status. Safe to run
    twice: a processed or ignored event is left alone, and each update is idempotent."""
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
                    callbacks.apply_update(update)
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


def due_for_retry(*, now: datetime, limit: int) -> list[int]:
    """Events whose enqueue was lost (received > 1 min ago) or that failed fewer than
    MAX_ATTEMPTS times (after a back-off of 2^attempts minutes), oldest first."""
    candidates = WebhookEvent.objects.filter(
        Q(status=S.RECEIVED) | Q(status=S.FAILED, attempts__lt=MAX_ATTEMPTS),
        signature_valid=True,
        received_at__lte=now - timedelta(minutes=1),
    ).order_by("id")[:limit]
    return [
        e.pk
        for e in candidates.only("pk", "status", "attempts", "processed_at", "received_at")
        if e.status == S.RECEIVED
        or (e.processed_at or e.received_at) <= now - timedelta(minutes=2**e.attempts)
    ]
