"""The staff note that goes with a change (a stock movement, an order or shipment move):
one length and one check for every context, so the same note is accepted everywhere."""

from __future__ import annotations

from haat.core.errors import ValidationError

NOTE_MAX = 500


def clean_note(note: str | None, *, required: bool = False) -> str:
    """The note trimmed; a 422 naming the `note` field when it is missing but required, or
    longer than NOTE_MAX."""
    note = (note or "").strip()
    if required and not note:
        raise ValidationError("A note is required for this change.", details={"field": "note"})
    if len(note) > NOTE_MAX:
        raise ValidationError(
            f"Note must be at most {NOTE_MAX} characters.", details={"field": "note"}
        )
    return note
