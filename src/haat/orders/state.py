"""The order state machine, in one place.

`TRANSITIONS` lists every allowed move; `transition()` is the only code that changes
`Order.status` after creation, and it records who, when, from, to and a note. Anything
else is a Conflict (`illegal_transition`), never a 500.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from haat.core.context import Actor, current_actor
from haat.core.errors import Conflict
from haat.orders.models import Order, OrderTransition

S = Order.Status
# Reserve & pay waits in pending_confirmation until staff confirm availability, then asks
# for payment. A failed payment is not final: the customer may retry (back to
# pending_payment with the stock held again) or the order is cancelled.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_CONFIRMATION: frozenset({S.PENDING_PAYMENT, S.CANCELLED}),
    S.PENDING_PAYMENT: frozenset({S.CONFIRMED, S.PAYMENT_FAILED, S.CANCELLED}),
    S.PAYMENT_FAILED: frozenset({S.PENDING_PAYMENT, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.CANCELLED}),
    S.CANCELLED: frozenset(),
}
# How an order may begin life: COD orders start confirmed, prepaid and partial-COD ones
# wait for payment, reserve & pay ones wait for staff to confirm availability.
INITIAL_STATUSES = frozenset({S.PENDING_PAYMENT, S.CONFIRMED, S.PENDING_CONFIRMATION})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def transition(order: Order, to: str, *, actor: Actor | None = None, note: str = "") -> Order:
    """Move `order` to `to` under a row lock; records the history row.

    Must run inside the caller's transaction (the service doing the side effects of the
    move, e.g. releasing holds), so the status and its effects commit together.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside the service's transaction")
    actor = actor or current_actor()
    current = Order.objects.select_for_update().only("status").get(pk=order.pk).status
    if not can_transition(current, to):
        raise Conflict(
            f"Order {order.number} is {current}; it cannot become {to}.",
            code="illegal_transition",
            details={"from": current, "to": to, "allowed": sorted(TRANSITIONS.get(current, ()))},
        )
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(status=to, updated_at=now)
    OrderTransition.objects.create(
        order=order, from_status=current, to_status=to, note=note, **_who(actor)
    )
    order.status = to
    order.updated_at = now
    return order


def _who(actor: Actor) -> dict:
    user = actor.user if getattr(actor.user, "pk", None) else None
    return {"actor": user, "actor_label": actor.label[:255]}
