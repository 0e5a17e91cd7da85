"""Provider tracking through anymail's `tracking` signal (its webhook views verify and parse
each provider's callbacks): delivered, opened, bounced, complained update the message found
by the provider's message id. Statuses only move forward (a late "delivered" never undoes a
"read"); a bounce or complaint fails the message and suppresses the address for e-mail.
"""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import AnymailTrackingEvent, tracking
from django.db import transaction
from django.utils import timezone

from haat.notifications.models import Channel, Message, Suppression

logger = logging.getLogger(__name__)

_RANK = {
    Message.Status.QUEUED: 0,
    Message.Status.SENDING: 1,
    Message.Status.SENT: 2,
    Message.Status.DELIVERED: 3,
    Message.Status.READ: 4,
}
_SUPPRESS = {"bounced": "bounced", "complained": "complained", "rejected": "bounced"}


def connect() -> None:
    tracking.connect(on_tracking, dispatch_uid="haat.notifications.tracking")


def on_tracking(sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    apply_tracking(event=event, esp_name=esp_name)


def apply_tracking(*, event: AnymailTrackingEvent, esp_name: str) -> Message | None:
    if not event.message_id:
        return None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(provider_id=event.message_id, channel=Channel.EMAIL)
            .first()
        )
        if message is None:
            logger.info("%s tracking for unknown message %s", esp_name, event.message_id)
            return None
        now = event.timestamp or timezone.now()
        kind = event.event_type
        if kind in _SUPPRESS:
            address = (event.recipient or message.recipient).lower()
            Suppression.objects.get_or_create(
                channel=Channel.EMAIL,
                address=address,
                defaults={"reason": _SUPPRESS[kind], "detail": (event.description or "")[:1000]},
            )
            message.status = Message.Status.FAILED
            message.failed_at = now
            message.error = (
                f"{esp_name} reports the message {kind}"
                + (f": {event.description}" if event.description else "")
                + ". No more e-mail goes to this address."
            )[:1000]
        elif (
            kind == "delivered" and _RANK.get(message.status, -1) < _RANK[Message.Status.DELIVERED]
        ):
            message.status = Message.Status.DELIVERED
            message.delivered_at = now
        elif kind in ("opened", "clicked") and message.status != Message.Status.FAILED:
            message.status = Message.Status.READ
            message.read_at = message.read_at or now
            message.delivered_at = message.delivered_at or now
        else:
            return message
        message.save(update_fields=["status", "failed_at", "error", "delivered_at", "read_at"])
    return message
