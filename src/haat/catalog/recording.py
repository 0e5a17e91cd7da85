"""Audit entries and outbox events for many objects in one INSERT each.

`record_audit` / `record_event` write one row per call; bulk edits of hundreds of
products must stay a constant number of queries, so they build the same rows here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from haat.core.context import current_actor
from haat.core.models import AuditLogEntry, OutboxEvent


def audit_many(action: str, entries: Iterable[tuple[models.Model, dict[str, Any]]]) -> int:
    """One AuditLogEntry per (object, changes), same fields as `record_audit`."""
    actor = current_actor()
    user = actor.user if getattr(actor.user, "pk", None) else None
    rows = [
        AuditLogEntry(
            actor=user,
            actor_label=actor.label[:255],
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            changes=changes,
            ip_address=actor.ip_address,
        )
        for obj, changes in entries
    ]
    AuditLogEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def events_many(event_type: str, entries: Iterable[tuple[models.Model, dict[str, Any]]]) -> int:
    """One OutboxEvent per (aggregate, payload), inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events_many() must run inside the transaction of the change")
    rows = [
        OutboxEvent(
            event_type=event_type,
            aggregate_type=obj._meta.label_lower,
            aggregate_id=str(obj.pk),
            payload=payload,
        )
        for obj, payload in entries
    ]
    if rows:
        OutboxEvent.objects.bulk_create(rows, batch_size=500)
        from haat.core.outbox import schedule_dispatch

        transaction.on_commit(schedule_dispatch)
    return len(rows)
