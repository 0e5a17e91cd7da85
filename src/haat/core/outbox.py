"""Writing domain events to the outbox: the one way to emit an event.

    emit(OrderCancelled(number=..., ...), aggregate=order)
    emit_all([(PriceChanged(...), product) for product in products])

must run inside the service's `transaction.atomic()` block, so the event exists exactly
when the change does. The event was validated when it was built (see haat.core.events);
its type and version are stored with its payload. `emit_all` writes any number of events
in one INSERT, so bulk changes (and checkout, which writes `order.placed` and
`order.confirmed` together) stay a constant number of statements. On commit the
dispatcher is woken (`schedule_dispatch`); `haat.core.dispatch` delivers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from haat.core import sql
from haat.core.audit import record_audit
from haat.core.error_codes import CoreError
from haat.core.errors import NotFound
from haat.core.events import Event
from haat.core.models import OutboxEvent
from haat.core.tasks import schedule_dispatch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Aggregate:
    """What an event is about when there is no model instance at hand (a variant known
    by id, a hold owner, an import)."""

    type: str
    id: str | int = ""


Target = models.Model | Aggregate


def emit(event: Event, *, aggregate: Target) -> OutboxEvent:
    """Write one event in the caller's transaction; returns its row."""
    _require_transaction("emit")
    row = _row(event, aggregate, timezone.now())
    [(pk,)] = _insert([row])
    return OutboxEvent(id=pk, **row)


def emit_all(events: Iterable[tuple[Event, Target]]) -> int:
    """Write every (event, aggregate) pair in one INSERT in the caller's transaction."""
    _require_transaction("emit_all")
    now = timezone.now()
    return len(_insert([_row(event, aggregate, now) for event, aggregate in events]))


def _row(event: Event, aggregate: Target, now: datetime) -> dict[str, Any]:
    if isinstance(aggregate, Aggregate):
        aggregate_type, aggregate_id = aggregate.type, aggregate.id
    else:
        aggregate_type, aggregate_id = aggregate._meta.label_lower, aggregate.pk
    return {
        "event_type": event.event_type,
        "event_version": event.version,
        "aggregate_type": aggregate_type,
        "aggregate_id": str(aggregate_id),
        "payload": event.model_dump(mode="json"),
        "created_at": now,
    }


def _require_transaction(caller: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{caller}() must run inside the transaction of the change")


def _insert(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """INSERT the events in one statement and wake the dispatcher once they commit (the
    periodic sweep covers a crash in between); the id of each."""
    if not rows:
        return []
    ids = sql.insert_rows(OutboxEvent, rows)
    transaction.on_commit(schedule_dispatch)
    return ids


def retry_event(*, event_id: int) -> OutboxEvent:
    """Staff action: give a failed event a fresh set of attempts, due now."""
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            raise NotFound(
                f"Outbox event {event_id} does not exist.", code=CoreError.EVENT_NOT_FOUND
            )
        before = {"attempts": event.attempts, "next_attempt_at": event.next_attempt_at}
        event.attempts = 0
        event.next_attempt_at = None
        event.save(update_fields=["attempts", "next_attempt_at"])
        record_audit(
            action="outbox.retried",
            obj=event,
            changes={
                "attempts": [before["attempts"], 0],
                "next_attempt_at": [
                    before["next_attempt_at"].isoformat() if before["next_attempt_at"] else None,
                    None,
                ],
            },
        )
    if event.dispatched_at is None:
        transaction.on_commit(schedule_dispatch)
    return event
