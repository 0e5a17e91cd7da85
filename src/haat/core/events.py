"""Writing domain events to the outbox and naming the consumers that read them.

    record_event("product.created", aggregate=product, payload={...})

must be called inside the service's `transaction.atomic()` block, so the event exists
exactly when the change does. Consumers register with `@consumer("name", "event.type", ...)`
and are run by `haat.core.outbox.dispatch_pending()` (a background task); each consumer sees
each event once (see `OutboxDelivery`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from haat.core import sql
from haat.core.models import OutboxEvent

Handler = Callable[[OutboxEvent], None]


@dataclass(frozen=True)
class Consumer:
    name: str
    event_types: frozenset[str]  # "*" matches every event
    handler: Handler

    def wants(self, event_type: str) -> bool:
        return "*" in self.event_types or event_type in self.event_types


_consumers: dict[str, Consumer] = {}
_dispatcher: dict[str, Callable[[], None]] = {}


def consumer(name: str, *event_types: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _consumers[name] = Consumer(name, frozenset(event_types), handler)
        return handler

    return register


def consumers() -> list[Consumer]:
    return list(_consumers.values())


def unregister(name: str) -> None:
    _consumers.pop(name, None)


def _require_transaction(caller: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{caller}() must run inside the transaction of the change")


def set_dispatcher(wake: Callable[[], None]) -> None:
    """What wakes the outbox dispatcher (`core.tasks.schedule_dispatch`, registered by
    `CoreConfig.ready()`): the dispatcher sits above this module, which never imports it."""
    _dispatcher["wake"] = wake


def wake_dispatcher_on_commit() -> None:
    """Wake the dispatcher once the change commits; the periodic sweep covers a crash here
    (and a process where nothing registered a dispatcher)."""
    wake = _dispatcher.get("wake")
    if wake is not None:
        transaction.on_commit(wake)


def record_event(
    event_type: str,
    *,
    aggregate: models.Model | None = None,
    aggregate_type: str = "",
    aggregate_id: str | int = "",
    payload: dict[str, Any] | None = None,
) -> OutboxEvent:
    _require_transaction("record_event")
    if aggregate is not None:
        aggregate_type = aggregate_type or aggregate._meta.label_lower
        aggregate_id = aggregate_id or aggregate.pk
    row = (event_type, aggregate_type, str(aggregate_id), payload or {})
    [(pk, created_at)] = _insert([row])
    return OutboxEvent(
        id=pk,
        event_type=row[0],
        aggregate_type=row[1],
        aggregate_id=row[2],
        payload=row[3],
        created_at=created_at,
    )


def record_events(event_type: str, entries: Iterable[tuple[models.Model, dict[str, Any]]]) -> int:
    """One event per (aggregate, payload) in a single INSERT, inside the caller's
    transaction; for bulk changes that must stay a constant number of queries."""
    _require_transaction("record_events")
    rows = [(event_type, obj._meta.label_lower, str(obj.pk), payload) for obj, payload in entries]
    return len(_insert(rows))


def record_events_for(
    aggregate: models.Model, event_types: Iterable[str], payload: dict[str, Any]
) -> int:
    """Several events about one aggregate with one payload (`order.created` and
    `order.confirmed`), in a single INSERT inside the caller's transaction."""
    _require_transaction("record_events_for")
    label, pk = aggregate._meta.label_lower, str(aggregate.pk)
    return len(_insert([(event_type, label, pk, payload) for event_type in event_types]))


def _insert(rows: list[tuple[str, str, str, dict[str, Any]]]) -> list[tuple[int, Any]]:
    """INSERT the events in one statement; (id, created_at) of each."""
    if not rows:
        return []
    now = timezone.now()
    values = [
        {
            "event_type": event_type,
            "aggregate_type": aggregate_type,
            "aggregate_id": aggregate_id,
            "payload": payload,
            "created_at": now,
        }
        for event_type, aggregate_type, aggregate_id, payload in rows
    ]
    ids = sql.insert_rows(OutboxEvent, values)
    wake_dispatcher_on_commit()
    return [(pk, now) for (pk,) in ids]
