"""Staff notes on a customer: the only writer of `CustomerNote` rows.

A note is a fact about a conversation ("asked to deliver after 6 pm"), so it is added,
never edited; the author and time come from who is acting (`core.context`).
"""

from __future__ import annotations

from django.db import transaction

from haat.core.audit import record_audit
from haat.core.context import current_actor
from haat.core.error_codes import CoreError
from haat.core.errors import NotFound, ValidationError
from haat.customers.error_codes import CustomerError
from haat.customers.models import Customer, CustomerNote

MAX_NOTE_LENGTH = 2000


def add_note(*, customer_id: int, body: str) -> CustomerNote:
    """Add a note by the current staff member (or API key) to the customer.

    Raises ValidationError (field `body`) for an empty or too long note, NotFound
    `customer_not_found` for an unknown customer; nothing is written then."""
    text = (body or "").strip()
    if not text:
        raise ValidationError(
            "Write the note first.", code=CoreError.REQUIRED, details={"field": "body"}
        )
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(
            f"A note holds at most {MAX_NOTE_LENGTH} characters; this one has {len(text)}.",
            details={"field": "body"},
        )
    with transaction.atomic():
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is None:
            raise NotFound(
                f"No customer with id {customer_id}.", code=CustomerError.CUSTOMER_NOT_FOUND
            )
        actor = current_actor()
        note = CustomerNote.objects.create(
            customer=customer,
            body=text,
            author=actor.user if getattr(actor.user, "pk", None) else None,
            author_label=actor.label[:255],
        )
        # About the customer (the log names and links them), with the note's words.
        record_audit(action="customer.note_added", obj=customer, changes={"note": text[:500]})
    return note
