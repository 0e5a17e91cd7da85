"""The order state machine's table, in one place.

`TRANSITIONS` lists every allowed move. `orders.lifecycle` is the only code that moves an
order (its `_transition` records who, when, from, to and a note); anything not in this
table is a Conflict (`illegal_transition`), never a 500.
"""

from __future__ import annotations

from haat.orders.models import Order

S = Order.Status
# Reserve & pay waits in pending_confirmation until staff confirm availability, then asks
# for payment. A failed payment is not final: the customer may retry (back to
# pending_payment with the stock held again) or the order is cancelled. A cancelled order
# comes back only one way: cancelled for not being paid in time, then paid after all (a slow
# UPI payment), when the store revives late-paid orders and every line's stock can still be
# taken (`lifecycle.payment_captured`); otherwise the late money is refunded.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_CONFIRMATION: frozenset({S.PENDING_PAYMENT, S.CANCELLED}),
    S.PENDING_PAYMENT: frozenset({S.CONFIRMED, S.PAYMENT_FAILED, S.CANCELLED}),
    S.PAYMENT_FAILED: frozenset({S.PENDING_PAYMENT, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.CANCELLED}),
    S.CANCELLED: frozenset({S.CONFIRMED}),
}
# How an order may begin life: COD orders start confirmed, prepaid and partial-COD ones
# wait for payment, reserve & pay ones wait for staff to confirm availability.
INITIAL_STATUSES = frozenset({S.PENDING_PAYMENT, S.CONFIRMED, S.PENDING_CONFIRMATION})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
