"""The shipment state machine's table: created → shipped → out for delivery → delivered,
with failed attempts (the courier tries again or returns the parcel) and RTO. A shipment
not yet handed over is cancelled with its order (`services.order_cancelled`)."""

from __future__ import annotations

from haat.fulfillment.models import Shipment

S = Shipment.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED, S.FAILED_ATTEMPT, S.RTO}),
    S.OUT_FOR_DELIVERY: frozenset({S.DELIVERED, S.FAILED_ATTEMPT, S.RTO}),
    S.FAILED_ATTEMPT: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED, S.RTO}),
    S.DELIVERED: frozenset(),
    S.RTO: frozenset(),
    S.CANCELLED: frozenset(),
}
# Moves staff make on the order page; a shipment is cancelled with its order.
STAFF_MOVES = frozenset({S.SHIPPED, S.OUT_FOR_DELIVERY, S.FAILED_ATTEMPT, S.DELIVERED, S.RTO})
# Units of these shipments have left the warehouse.
LEFT = frozenset({S.SHIPPED, S.OUT_FOR_DELIVERY, S.FAILED_ATTEMPT, S.DELIVERED})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def allowed(from_status: str) -> list[str]:
    return sorted(TRANSITIONS.get(from_status, frozenset()))
