"""The order state machine's table, in one place.

`TRANSITIONS` lists every allowed move. `orders.lifecycle` is the only code that moves an
order (its `_transition` records who, when, from, to and a note); anything not in this
table is a Conflict (`illegal_transition`, naming the allowed moves), never a 500.

After confirmation an order goes through the warehouse (processing, packed: staff moves)
and the courier (partially shipped … delivered: derived by `shipping_status` from the
units the fulfilment context reports in its shipments). Returns and RTO only have their
statuses for now; their flows come later.
"""

from __future__ import annotations

from dataclasses import dataclass

from haat.orders.models import Order

S = Order.Status
# Reserve & pay waits in pending_confirmation until staff confirm availability, then asks
# for payment. A failed payment is not final: the customer may retry (back to
# pending_payment with the stock held again) or the order is cancelled. A cancelled order
# comes back only one way: cancelled for not being paid in time, then paid after all (a slow
# UPI payment), when the store revives late-paid orders and every line's stock can still be
# taken (`lifecycle.payment_captured`); otherwise the late money is refunded.
# Once a parcel left the warehouse the order can no longer be cancelled (it comes back as
# an RTO or a return). A failed delivery attempt puts an order out for delivery back to
# shipped; a rejected return request puts it back to delivered.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_CONFIRMATION: frozenset({S.PENDING_PAYMENT, S.CANCELLED}),
    S.PENDING_PAYMENT: frozenset({S.CONFIRMED, S.PAYMENT_FAILED, S.CANCELLED}),
    S.PAYMENT_FAILED: frozenset({S.PENDING_PAYMENT, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.PROCESSING, S.PACKED, S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED}),
    S.PROCESSING: frozenset({S.PACKED, S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED}),
    S.PACKED: frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED}),
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED, S.PARTIALLY_DELIVERED}),
    S.SHIPPED: frozenset({S.OUT_FOR_DELIVERY, S.PARTIALLY_DELIVERED, S.DELIVERED, S.RTO}),
    S.OUT_FOR_DELIVERY: frozenset({S.SHIPPED, S.PARTIALLY_DELIVERED, S.DELIVERED, S.RTO}),
    S.PARTIALLY_DELIVERED: frozenset({S.DELIVERED, S.RETURN_REQUESTED}),
    S.DELIVERED: frozenset({S.RETURN_REQUESTED}),
    S.RETURN_REQUESTED: frozenset({S.RETURNED, S.DELIVERED}),
    S.RETURNED: frozenset(),
    S.RTO: frozenset(),
    S.CANCELLED: frozenset({S.CONFIRMED}),
}
# How an order may begin life: COD orders start confirmed, prepaid and partial-COD ones
# wait for payment, reserve & pay ones wait for staff to confirm availability.
INITIAL_STATUSES = frozenset({S.PENDING_PAYMENT, S.CONFIRMED, S.PENDING_CONFIRMATION})
# Moves staff make by hand (`lifecycle.advance`); the shipping statuses follow the
# shipments instead (`lifecycle.shipments_changed`).
STAFF_MOVES = frozenset({S.PROCESSING, S.PACKED})
# The order's stock is sold and it is on its way to (or with) the customer: cash on
# delivery can be collected, the pay page says nothing is due.
CONFIRMED_OR_LATER = frozenset(
    {
        S.CONFIRMED,
        S.PROCESSING,
        S.PACKED,
        S.PARTIALLY_SHIPPED,
        S.SHIPPED,
        S.OUT_FOR_DELIVERY,
        S.PARTIALLY_DELIVERED,
        S.DELIVERED,
        S.RETURN_REQUESTED,
        S.RETURNED,
        S.RTO,
    }
)
# Not yet handed to a courier: cancelling puts the sold units back on sale.
BEFORE_SHIPPING = frozenset({S.CONFIRMED, S.PROCESSING, S.PACKED})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def allowed(from_status: str) -> list[str]:
    return sorted(TRANSITIONS.get(from_status, frozenset()))


@dataclass(frozen=True)
class CustomerStatus:
    label: str
    explanation: str


# What the customer reads about each status (tracking page, storefront order body).
CUSTOMER: dict[str, CustomerStatus] = {
    S.PENDING_CONFIRMATION: CustomerStatus(
        "Checking availability", "We are confirming that your items are available."
    ),
    S.PENDING_PAYMENT: CustomerStatus(
        "Awaiting payment", "Your order is reserved; it is confirmed once the payment arrives."
    ),
    S.PAYMENT_FAILED: CustomerStatus(
        "Payment failed", "Your payment did not go through. You can try again."
    ),
    S.CONFIRMED: CustomerStatus("Order received", "We have your order and will pack it soon."),
    S.PROCESSING: CustomerStatus("Being prepared", "We are getting your items ready."),
    S.PACKED: CustomerStatus("Packed", "Your parcel is packed and waits for the courier."),
    S.PARTIALLY_SHIPPED: CustomerStatus(
        "Partly shipped", "Some of your items are on their way; the rest will follow."
    ),
    S.SHIPPED: CustomerStatus("Shipped", "Your parcel is with the courier."),
    S.OUT_FOR_DELIVERY: CustomerStatus(
        "Out for delivery", "The courier is bringing your parcel today."
    ),
    S.PARTIALLY_DELIVERED: CustomerStatus(
        "Partly delivered", "Some of your items were delivered; the rest are on their way."
    ),
    S.DELIVERED: CustomerStatus("Delivered", "Your order was delivered. Enjoy!"),
    S.RETURN_REQUESTED: CustomerStatus(
        "Return requested", "We have your return request and will get back to you."
    ),
    S.RETURNED: CustomerStatus("Returned", "Your return reached us."),
    S.RTO: CustomerStatus(
        "Returned to us", "The courier could not deliver your parcel and brought it back to us."
    ),
    S.CANCELLED: CustomerStatus("Cancelled", "This order was cancelled."),
}


@dataclass(frozen=True)
class Units:
    """Units of the order in its shipments, as the fulfilment context reports them."""

    ordered: int
    shipped: int  # handed to a courier (in any later state too, RTO aside)
    out_for_delivery: int  # with the delivery agent now
    delivered: int
    returned_to_origin: int = 0  # came back undelivered


def shipping_status(units: Units) -> str | None:
    """The order status its shipments call for, or None while nothing has left."""
    if units.returned_to_origin and units.returned_to_origin >= units.ordered:
        return S.RTO
    if units.delivered and units.delivered >= units.ordered:
        return S.DELIVERED
    if units.delivered:
        return S.PARTIALLY_DELIVERED
    if units.shipped >= units.ordered:
        return S.OUT_FOR_DELIVERY if units.out_for_delivery else S.SHIPPED
    if units.shipped:
        return S.PARTIALLY_SHIPPED
    return None
