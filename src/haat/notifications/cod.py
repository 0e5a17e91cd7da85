"""COD confirmation: ask a cash-on-delivery customer to confirm before the parcel ships.

The rule `cod_confirmation` (on `order.placed`, payment type cash on delivery; its minimum
order value is the store's "above a value" setting, none = every COD order) sends a
WhatsApp template with Confirm / Cancel quick-reply buttons, or, when no WhatsApp message
can go out (no valid phone, STOP, WhatsApp not set up), an e-mail with a link to a page
with the same two buttons. Each button carries a payload signed with the site's secret:
`<order number>:<confirm|cancel>:<signature>`, so a forged or altered reply is refused.

Why a row here and no new order status: a COD order is placed `confirmed` (stock sold)
and other work adds the statuses after it; asking the customer does not change what the
order is, only whether the team may ship it. The outcome lives on `CodConfirmation`
(waiting, confirmed, cancelled, no answer, handled by phone) and a Cancel goes through
`orders.lifecycle.cancel`, which returns the stock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from haat.core.audit import record_audit
from haat.core.errors import DomainError
from haat.notifications.models import CodConfirmation
from haat.orders import lifecycle
from haat.orders.models import Order

logger = logging.getLogger(__name__)

TEMPLATE_KEY = "cod_confirmation"
CONFIRM, CANCEL = "confirm", "cancel"
_SIGNER = signing.Signer(salt="haat.notifications.cod")
CANCEL_REASON = "You cancelled it when we asked you to confirm the order."


def reply(order_number: str, action: str) -> str:
    """The signed payload of a button (or link) answering for `order_number`."""
    return _SIGNER.sign(f"{order_number}:{action}")


def parse(payload: str) -> tuple[str, str] | None:
    """(order number, action) from a signed payload, or None when forged or malformed."""
    try:
        value = _SIGNER.unsign(payload or "")
    except signing.BadSignature:
        return None
    number, _, action = value.partition(":")
    return (number, action) if number and action in (CONFIRM, CANCEL) else None


def answer_hours() -> int:
    return max(int(settings.HAAT_COD_CONFIRMATION_HOURS), 1)


def start(*, order_id: int, order_number: str, now: datetime | None = None) -> CodConfirmation:
    """Open the confirmation of an order (once; a repeat returns the row)."""
    now = now or timezone.now()
    row, _ = CodConfirmation.objects.get_or_create(
        order_id=order_id,
        defaults={"order_number": order_number, "answer_by": now + timedelta(hours=answer_hours())},
    )
    return row


def start_many(orders: dict[int, str], *, now: datetime | None = None) -> None:
    """`start` for a batch of orders (order id -> number) in one INSERT: an order whose
    confirmation is already open keeps it (its clock does not restart)."""
    if not orders:
        return
    now = now or timezone.now()
    answer_by = now + timedelta(hours=answer_hours())
    CodConfirmation.objects.bulk_create(
        [
            CodConfirmation(order_id=order_id, order_number=number, answer_by=answer_by)
            for order_id, number in orders.items()
        ],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class Outcome:
    row: CodConfirmation | None
    changed: bool
    words: str  # what happened, as staff (and the callback log) read it


def answer(*, order_number: str, action: str, source: str) -> Outcome:
    """Apply the customer's answer. Only a waiting (or not yet called) confirmation takes
    one: a second tap, or Cancel after Confirm, changes nothing."""
    with transaction.atomic():
        row = CodConfirmation.objects.select_for_update().filter(order_number=order_number).first()
        if row is None:
            return Outcome(None, False, f"No confirmation was asked for order {order_number}.")
        if row.status not in (CodConfirmation.Status.WAITING, CodConfirmation.Status.NO_ANSWER):
            return Outcome(row, False, f"Order {order_number} was already answered.")
        now = timezone.now()
        if action == CANCEL:
            order = lifecycle.lock(row.order_id)
            try:
                with transaction.atomic():
                    lifecycle.cancel(
                        order=order,
                        reason=CANCEL_REASON,
                        note=f"Cancelled by the customer ({source.replace('_', ' ')}).",
                    )
            except DomainError as exc:  # shipped or closed meanwhile: staff must call
                return Outcome(row, False, f"Order {order_number} could not be cancelled: {exc}")
            row.status = CodConfirmation.Status.CANCELLED
        else:
            row.status = CodConfirmation.Status.CONFIRMED
        row.answered_at, row.source = now, source
        row.save(update_fields=["status", "answered_at", "source"])
        record_audit(
            action="notifications.cod_answered",
            obj=row,
            changes={"status": [CodConfirmation.Status.WAITING, row.status], "source": source},
        )
    verb = "confirmed" if action == CONFIRM else "cancelled"
    return Outcome(row, True, f"The customer {verb} order {order_number}.")


def mark_called(*, confirmation_id: int) -> CodConfirmation | None:
    """Staff called the customer (they confirm or cancel the order on its own page)."""
    with transaction.atomic():
        row = CodConfirmation.objects.select_for_update().filter(pk=confirmation_id).first()
        if row is None or row.status not in (
            CodConfirmation.Status.WAITING,
            CodConfirmation.Status.NO_ANSWER,
        ):
            return row
        before = row.status
        row.status, row.answered_at, row.source = (
            CodConfirmation.Status.CALLED,
            timezone.now(),
            "staff",
        )
        row.save(update_fields=["status", "answered_at", "source"])
        record_audit(
            action="notifications.cod_called", obj=row, changes={"status": [before, row.status]}
        )
    return row


def expire(*, now: datetime | None = None) -> int:
    """Waiting past the deadline: into the "call the customer" queue."""
    now = now or timezone.now()
    return CodConfirmation.objects.filter(
        status=CodConfirmation.Status.WAITING, answer_by__lt=now
    ).update(status=CodConfirmation.Status.NO_ANSWER)


def order_is_cod(order_id: int) -> bool:
    return Order.objects.filter(pk=order_id, payment_type=Order.PaymentType.COD).exists()


def page_token(order_number: str) -> str:
    """The signed token of the e-mail fallback's page (/cod/<token>)."""
    return _SIGNER.sign(f"{order_number}:page")


def parse_page_token(token: str) -> str | None:
    try:
        value = _SIGNER.unsign(token or "")
    except signing.BadSignature:
        return None
    number, _, kind = value.partition(":")
    return number if number and kind == "page" else None


def page_url(order_number: str) -> str:
    base = str(getattr(settings, "HAAT_BASE_URL", "") or "").rstrip("/")
    return f"{base}/cod/{page_token(order_number)}"
