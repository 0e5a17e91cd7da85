"""Notes on an order: the only writer of `OrderNote`. A note is internal (staff only) or
shown to the customer on the tracking page; either way it carries its author and time and
is never edited afterwards (the timeline is a record, like the status history)."""

from __future__ import annotations

from django.db import transaction

from haat.core.audit import record_audit
from haat.core.context import current_actor
from haat.core.errors import ValidationError
from haat.orders.models import Order, OrderNote

NOTE_TEXT_MAX = 2000


def add_note(*, order: Order, text: str, visibility: str) -> OrderNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write the note first.", details={"field": "text"})
    if len(text) > NOTE_TEXT_MAX:
        raise ValidationError(
            f"A note is at most {NOTE_TEXT_MAX} characters.", details={"field": "text"}
        )
    if visibility not in OrderNote.Visibility.values:
        raise ValidationError(
            "A note is internal (staff only) or shown to the customer.",
            details={"field": "visibility", "allowed": OrderNote.Visibility.values},
        )
    actor = current_actor()
    user = actor.user if getattr(actor.user, "pk", None) else None
    with transaction.atomic():
        note = OrderNote.objects.create(
            order=order,
            visibility=visibility,
            text=text,
            author=user,
            author_label=actor.label[:255],
        )
        record_audit(
            action="order.note",
            obj=order,
            changes={"visibility": visibility, "note": text[:200]},
        )
    return note
