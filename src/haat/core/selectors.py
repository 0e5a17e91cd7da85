"""Reads of the audit log, shaped for the admin API and the dashboard."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from haat.core.error_codes import CoreError
from haat.core.errors import ValidationError
from haat.core.models import AuditLogEntry


def _day_start(day: date) -> datetime:
    """Midnight of `day` in the store's time zone: "from 1 March" means the store's 1 March."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def audit_entries(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditLogEntry]:
    """Newest first. `actor` is a user id or part of the actor label (e-mail, API key name);
    `date_to` is inclusive."""
    if date_from and date_to and date_from > date_to:
        raise ValidationError(
            "date_to must be on or after date_from.",
            code=CoreError.INVALID,
            details={"field": "date_to"},
        )
    qs = AuditLogEntry.objects.select_related("actor").order_by("-created_at", "-id")
    actor = actor.strip()
    if actor:
        match = Q(actor_label__icontains=actor)
        if actor.isdigit():
            match |= Q(actor_id=int(actor))
        qs = qs.filter(match)
    if action.strip():
        qs = qs.filter(action=action.strip())
    if object_type.strip():
        qs = qs.filter(object_type=object_type.strip())
    if object_id.strip():
        qs = qs.filter(object_id=object_id.strip())
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return qs


def recent_activity(user: object) -> list[AuditLogEntry]:
    """The dashboard home's last eight audit entries, newest first."""
    return list(
        AuditLogEntry.objects.only("created_at", "actor_label", "action", "object_repr")[:8]
    )


def audit_filter_choices() -> dict[str, list[str]]:
    """The actions and object types that occur in the log, for filter drop-downs."""
    base = AuditLogEntry.objects.order_by()
    return {
        "actions": list(base.values_list("action", flat=True).distinct().order_by("action")),
        "object_types": list(
            base.values_list("object_type", flat=True).distinct().order_by("object_type")
        ),
    }


def change_rows(changes: object) -> list[dict]:
    """`changes` as display rows: {field, old, new} for [old, new] pairs, else {field, value}."""
    if not isinstance(changes, dict):
        return [{"field": "", "value": changes, "pair": False}]
    rows = []
    for field, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            rows.append({"field": field, "old": value[0], "new": value[1], "pair": True})
        else:
            rows.append({"field": field, "value": value, "pair": False})
    return rows
