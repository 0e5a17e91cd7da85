"""Incoming gateway events: verify, store, deduplicate; processing happens in the background.

`receive()` runs in the webhook request: it verifies the signature over the raw body,
stores the event (unique per gateway + event id, so a replay stores nothing) and enqueues
`process_webhook_event` on commit, then the view answers 200 at once. A worker then runs
`processing.process_event()`.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from haat.gateways import razorpay, razorpay_events, sql, stripe, testgateway_events
from haat.gateways.common import header
from haat.gateways.credentials import credentials_for
from haat.gateways.error_codes import GatewayErrorCode
from haat.gateways.errors import InvalidSignature
from haat.gateways.models import WebhookEvent
from haat.gateways.tasks import enqueue

logger = logging.getLogger(__name__)

# Anyone can post to a webhook URL. Every rejected delivery is counted per gateway and hour;
# only the first REJECTED_SAMPLES_PER_HOUR of an hour are kept, with at most
# REJECTED_BODY_BYTES of body: enough to diagnose a secret mix-up, not room for a flood.
REJECTED_BODY_BYTES = 2 * 1024
REJECTED_SAMPLES_PER_HOUR = 20
KEPT_HEADERS = (
    "Content-Type",
    "User-Agent",
    razorpay.SIGNATURE_HEADER,
    razorpay.EVENT_ID_HEADER,
    stripe.SIGNATURE_HEADER,
    testgateway_events.SIGNATURE_HEADER,
)


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
    raise InvalidSignature(f"Unknown gateway '{gateway}'.", code=GatewayErrorCode.UNKNOWN_GATEWAY)


def _digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def receive(*, gateway: str, body: bytes, headers: dict[str, str]) -> tuple[WebhookEvent, bool]:
    """Verify and store one delivery. Returns (event, created); created is False for a
    replay. A bad signature is recorded as `rejected` and re-raised (the view answers 400)."""
    kept = {name: header(headers, name) for name in KEPT_HEADERS if header(headers, name)}
    try:
        event_id, event_type = _verify(gateway, body, headers)
    except InvalidSignature as exc:
        _record_rejection(gateway, body, kept, headers, exc.message)
        raise
    return store_event(
        gateway=gateway, event_id=event_id, event_type=event_type, headers=kept, body=body
    )


def _record_rejection(
    gateway: str, body: bytes, kept: dict[str, str], headers: dict[str, str], error: str
) -> None:
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        count = sql.count_rejection(gateway=gateway[:20], hour=hour, error=error)
        if count <= REJECTED_SAMPLES_PER_HOUR:
            WebhookEvent.objects.create(
                gateway=gateway[:20],
                event_id=(header(headers, razorpay.EVENT_ID_HEADER) or _digest(body))[:255],
                headers=kept,
                body=body[:REJECTED_BODY_BYTES],
                signature_valid=False,
                status=WebhookEvent.Status.REJECTED,
                error=error,
            )
    if count <= REJECTED_SAMPLES_PER_HOUR:
        logger.warning("Rejected %s webhook: %s", gateway, error)


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
