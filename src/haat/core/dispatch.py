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
- **Batches.** A consumer registered with a batch handler gets all the events of a batch it
  still needs in one transaction (events locked with SKIP LOCKED, its delivery rows
  re-read under the lock, the handler, one INSERT of the delivery rows): the same
  guarantees, with a constant number of statements per batch instead of a dozen per event.
  A batch that raises rolls back whole and its events are retried one by one, so the bad
  one backs off alone. Events every interested consumer has are marked dispatched with one
  UPDATE (delivery rows are never removed, so "all delivered" read once stays true).
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
    became fully dispatched in this call.

    A consumer with a batch handler gets the batch's events in one transaction (lock them,
    skip the ones it has, handle, insert the delivery rows); the others get one transaction
    per event. Events every interested consumer has are then marked dispatched with one
    UPDATE, so a batch costs a constant number of statements (see `tests/core/
    test_outbox_batches.py`)."""
    registered = consumers()
    with transaction.atomic():
        # Skip events another worker is handling right now (row locked by its consumer).
        batch = list(pending_events().select_for_update(skip_locked=True)[:batch_size])
    if not batch:
        return 0
    done: set[tuple[int, str]] = set(
        OutboxDelivery.objects.filter(event_id__in=[row.pk for row in batch]).values_list(
            "event_id", "consumer"
        )
    )
    interested = {row.pk: [c for c in registered if c.wants(row.event_type)] for row in batch}
    errors: dict[int, list[str]] = {}
    busy: set[int] = set()
    parsed: dict[int, Event] = {}
    for row in batch:
        if all((row.pk, c.name) in done for c in interested[row.pk]):
            continue
        try:
            parsed[row.pk] = load(row.event_type, row.event_version, row.payload)
        except (LookupError, pydantic.ValidationError) as exc:
            logger.warning("Outbox event %s does not parse", row.pk, exc_info=exc)
            errors[row.pk] = [
                _describe(c.name, exc) for c in interested[row.pk] if (row.pk, c.name) not in done
            ]
    for consumer in registered:
        todo = [
            row
            for row in batch
            if row.pk in parsed
            and row.pk not in busy
            and consumer in interested[row.pk]
            and (row.pk, consumer.name) not in done
        ]
        if not todo:
            continue
        outcomes = _deliver_batch(todo, parsed, consumer) if consumer.batch else None
        if outcomes is None:  # no batch handler, or the batch failed: one by one
            outcomes = {row.pk: _deliver(row, parsed[row.pk], consumer) for row in todo}
        for event_id, outcome in outcomes.items():
            if outcome == "busy":
                busy.add(event_id)  # another worker holds or finished the event
            elif isinstance(outcome, Exception):
                errors.setdefault(event_id, []).append(_describe(consumer.name, outcome))
            else:
                done.add((event_id, consumer.name))
    complete = [
        row.pk
        for row in batch
        if row.pk not in busy
        and row.pk not in errors
        and all((row.pk, c.name) in done for c in interested[row.pk])
    ]
    dispatched = _settle_complete(complete)
    for event_id, problems in errors.items():
        if event_id not in busy:
            _settle(event_id, interested[event_id], problems)
    return dispatched


def _settle_complete(event_ids: list[int]) -> int:
    """Mark dispatched, in one UPDATE, events whose every interested consumer has a
    committed delivery row (read before, or written by this run: rows are never removed)."""
    if not event_ids:
        return 0
    return OutboxEvent.objects.filter(pk__in=event_ids, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now(), next_attempt_at=None
    )


def _deliver_batch(
    rows: list[OutboxEvent], parsed: dict[int, Event], consumer: Consumer
) -> dict[int, str | Exception] | None:
    """Run a batch consumer over `rows` in one transaction with their delivery rows. The
    outcome per event id ("busy" for events another worker holds); None when the batch
    failed and rolled back, so the caller retries the events one by one and the one at
    fault gets its own error and back-off."""
    assert consumer.batch is not None
    for row in rows:
        if not consumer.accepts(parsed[row.pk]):
            return None  # the one-by-one path names the version it does not take
    outcomes: dict[int, str | Exception] = {}
    try:
        with transaction.atomic():
            ids = [row.pk for row in rows]
            locked = set(
                OutboxEvent.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ids, dispatched_at__isnull=True)
                .values_list("id", flat=True)
            )
            had = set(
                OutboxDelivery.objects.filter(
                    event_id__in=locked, consumer=consumer.name
                ).values_list("event_id", flat=True)
            )
            todo = [row for row in rows if row.pk in locked and row.pk not in had]
            if todo:
                consumer.batch([(parsed[row.pk], _delivery(row, consumer)) for row in todo])
                OutboxDelivery.objects.bulk_create(
                    [OutboxDelivery(event_id=row.pk, consumer=consumer.name) for row in todo]
                )
            for row in rows:
                outcomes[row.pk] = "busy" if row.pk not in locked else "delivered"
    except Exception as exc:
        logger.warning(
            "Outbox batch consumer %s failed on %s events; retrying them one by one",
            consumer.name,
            len(rows),
            exc_info=exc,
        )
        return None
    return outcomes


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
