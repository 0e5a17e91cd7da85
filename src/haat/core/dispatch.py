"""Delivering outbox events to their consumers (see haat.core.events).

Guarantees, and how they are kept:

- **Each consumer gets the typed event.** The stored payload is parsed once per event with
  the class registered for its (type, version); a row that no longer parses (an unknown
  version, a payload that breaks its class) fails the delivery of every interested
  consumer, so it is retried and shown to staff rather than skipped.
- **Each consumer handles each event once.** A consumer's handler and its `OutboxDelivery`
  row are written in one transaction, so the consumer's database effects and its "done"
  mark commit together or not at all. A dispatcher killed mid-way leaves the consumers that
  committed marked done; the next run re-runs only the others.
- **External effects** (an e-mail, a webhook, a WhatsApp message) cannot join that
  transaction. Consumers that cause them must pass `delivery.key` (`delivery_key(event,
  consumer_name)`, `"<event id>:<consumer>"`) as the idempotency key to the remote system,
  or record it before sending, so a handler re-run after a crash between the send and the
  commit sends nothing twice.
- **Several workers.** Every consumer transaction locks the event row with
  `select_for_update(skip_locked=True)` (PostgreSQL; SQLite serialises writers anyway): a
  worker skips an event another worker is handling instead of waiting for it or running
  its consumers a second time.
- **Failures** do not block other events: the event gets `attempts + 1`, `last_error` and an
  exponential back-off (`next_attempt_at`, capped at one hour). After `MAX_ATTEMPTS` it stays
  undispatched and is listed by `failed_events()` until staff retry it.
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta

import pydantic
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from haat.core.events import Consumer, Delivery, Event, consumers, load
from haat.core.models import OutboxDelivery, OutboxEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(hours=1)
_MAX_ERROR_CHARS = 4000


def delivery_key(event: OutboxEvent, consumer_name: str) -> str:
    """The idempotency key a consumer sends with any external effect of `event`."""
    return f"{event.pk}:{consumer_name}"


def backoff(attempts: int) -> timedelta:
    """Delay before retry number `attempts + 1`: 10 s, 20 s, 40 s, ... up to one hour."""
    exponent = min(max(attempts - 1, 0), 20)  # 2**20 * 10 s is far past the cap already
    return min(BACKOFF_BASE * 2**exponent, BACKOFF_CAP)


def pending_events(now: datetime | None = None) -> QuerySet[OutboxEvent]:
    """Undispatched events that are due and have not exhausted their attempts."""
    now = now or timezone.now()
    return OutboxEvent.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        dispatched_at__isnull=True,
        attempts__lt=MAX_ATTEMPTS,
    ).order_by("id")


def failed_events() -> QuerySet[OutboxEvent]:
    """Events that gave up after `MAX_ATTEMPTS`; shown to staff until retried."""
    return OutboxEvent.objects.filter(
        dispatched_at__isnull=True, attempts__gte=MAX_ATTEMPTS
    ).order_by("id")


def dispatch_pending(*, batch_size: int = 100) -> int:
    """Run due events through their consumers, oldest first. Returns how many events
    became fully dispatched in this call."""
    registered = consumers()
    with transaction.atomic():
        # Skip events another worker is handling right now (row locked by its consumer).
        batch = list(pending_events().select_for_update(skip_locked=True)[:batch_size])
    done: set[tuple[int, str]] = set(
        OutboxDelivery.objects.filter(event_id__in=[row.pk for row in batch]).values_list(
            "event_id", "consumer"
        )
    )
    dispatched = 0
    for row in batch:
        interested = [c for c in registered if c.wants(row.event_type)]
        todo = [c for c in interested if (row.pk, c.name) not in done]
        if _dispatch_one(row, interested, todo):
            dispatched += 1
    return dispatched


def _dispatch_one(row: OutboxEvent, interested: list[Consumer], todo: list[Consumer]) -> bool:
    if not todo:
        return _settle(row.pk, interested, [])
    try:
        event = load(row.event_type, row.event_version, row.payload)
    except (LookupError, pydantic.ValidationError) as exc:
        logger.warning("Outbox event %s does not parse", row.pk, exc_info=exc)
        return _settle(row.pk, interested, [_describe(c.name, exc) for c in todo])
    errors: list[str] = []
    for consumer in todo:
        outcome = _deliver(row, event, consumer)
        if outcome == "busy":
            return False  # another worker holds or finished the event
        if isinstance(outcome, Exception):
            errors.append(_describe(consumer.name, outcome))
    return _settle(row.pk, interested, errors)


def _deliver(row: OutboxEvent, event: Event, consumer: Consumer) -> str | Exception:
    """Run one consumer for one event in one transaction with its delivery row."""
    try:
        if not consumer.accepts(event):
            raise TypeError(
                f"{consumer.name} does not take {row.event_type} version {row.event_version}"
            )
        with transaction.atomic():
            locked = (
                OutboxEvent.objects.select_for_update(skip_locked=True)
                .filter(pk=row.pk, dispatched_at__isnull=True)
                .only("id")
                .first()
            )
            if locked is None:
                return "busy"
            if OutboxDelivery.objects.filter(event=locked, consumer=consumer.name).exists():
                return "done"
            consumer.handler(event, _delivery(row, consumer))
            OutboxDelivery.objects.create(event=locked, consumer=consumer.name)
            return "delivered"
    except Exception as exc:
        logger.warning("Outbox consumer %s failed on event %s", consumer.name, row.pk, exc_info=exc)
        return exc


def _delivery(row: OutboxEvent, consumer: Consumer) -> Delivery:
    return Delivery(
        event_id=row.pk,
        aggregate_type=row.aggregate_type,
        aggregate_id=row.aggregate_id,
        created_at=row.created_at,
        key=delivery_key(row, consumer.name),
    )


def _settle(event_id: int, interested: list[Consumer], errors: list[str]) -> bool:
    """Mark the event dispatched when every interested consumer has it; else back off."""
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.dispatched_at is not None:
            return False
        wanted = {c.name for c in interested}
        delivered = set(
            OutboxDelivery.objects.filter(event=event, consumer__in=wanted).values_list(
                "consumer", flat=True
            )
        )
        now = timezone.now()
        if wanted <= delivered:
            event.dispatched_at = now
            event.next_attempt_at = None
            event.save(update_fields=["dispatched_at", "next_attempt_at"])
            return True
        if errors:
            event.attempts += 1
            event.last_error = "\n\n".join(errors)[:_MAX_ERROR_CHARS]
            event.next_attempt_at = now + backoff(event.attempts)
            event.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        return False


def _describe(consumer_name: str, exc: Exception) -> str:
    tb = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return f"[{consumer_name}] {tb}"
