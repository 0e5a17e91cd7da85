"""Recording staff writes. Services call `record_audit` inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from haat.core.context import current_actor
from haat.core.models import AuditLogEntry


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _entry(
    *,
    action: str,
    obj: models.Model | None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditLogEntry:
    actor = current_actor()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    return AuditLogEntry(
        actor=actor.user if getattr(actor.user, "pk", None) else None,
        actor_label=actor.label[:255],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:255],
        changes=changes or {},
        ip_address=actor.ip_address,
    )


def record_audit(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditLogEntry:
    entry = _entry(
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes,
    )
    entry.save()
    return entry


def record_audits(action: str, entries: Iterable[tuple[models.Model, dict[str, Any]]]) -> int:
    """One entry per (object, changes) in a single INSERT, for bulk edits that must stay a
    constant number of queries however many objects they touch."""
    rows = [_entry(action=action, obj=obj, changes=changes) for obj, changes in entries]
    AuditLogEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)
