"""Reads of the audit log, shaped for the admin API and the dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from haat.core.audit_words import Line, describe
from haat.core.error_codes import CoreError
from haat.core.errors import ValidationError
from haat.core.models import AuditLogEntry
from haat.core.registry import audit_vocabularies


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
    """Newest first. `actor` is a user id or part of the staff member's name or the actor
    label (e-mail, API key name);
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
        match = Q(actor_label__icontains=actor) | Q(actor__full_name__icontains=actor)
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


def audit_lines(entries: Iterable[AuditLogEntry]) -> list[Line]:
    """Entries (actor selected) in the merchant's words, with their objects named and linked:
    one query per kind of object on the page (`haat.core.audit_words`)."""
    return describe(entries, audit_vocabularies())


def recent_activity(user: object) -> list[Line]:
    """The dashboard home's last eight audit entries, newest first, in words."""
    return audit_lines(
        AuditLogEntry.objects.select_related("actor").order_by("-created_at", "-id")[:8]
    )


def activity_for(objects: Iterable[tuple[str, object]], *, limit: int = 20) -> list[Line]:
    """The latest entries about any of `objects` ((object_type, id) pairs), in words: an order's
    or a product's activity panel (a product's entries and its variants')."""
    match = Q(pk__in=[])
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in objects:
        by_type.setdefault(object_type, []).append(str(object_id))
    for object_type, ids in by_type.items():
        match |= Q(object_type=object_type, object_id__in=ids)
    qs = AuditLogEntry.objects.select_related("actor").filter(match)
    return audit_lines(qs.order_by("-created_at", "-id")[:limit])


def audit_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The actions and object types that occur in the log, for filter drop-downs, as
    (value, words) pairs: "changed the prices of a variant", "variant"."""
    base = AuditLogEntry.objects.order_by()
    vocabularies = audit_vocabularies()
    phrases = {a: v.phrase(a) for v in vocabularies for a in v.phrases}
    nouns = {k.object_type: k.noun for v in vocabularies for k in v.kinds}
    actions = base.values_list("action", flat=True).distinct().order_by("action")
    types = base.values_list("object_type", flat=True).distinct().order_by("object_type")

    def action_words(action: str) -> str:
        phrase = phrases.get(action)
        if phrase is None:
            return action
        text = phrase.text.replace("({object})", "").replace("{object}", "…").strip()
        return text[:1].upper() + text[1:]

    return {
        "actions": sorted(((a, action_words(a)) for a in actions), key=lambda p: p[1]),
        "object_types": sorted(
            ((t, (nouns.get(t) or t).capitalize()) for t in types if t), key=lambda p: p[1]
        ),
    }
