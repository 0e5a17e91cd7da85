"""The events of an order's life. Orders owns the lifecycle, so it is the one emitter of
each of them, whichever context (checkout, payments, staff) reported the fact that moved
the order. The aggregate is the order.
"""

from __future__ import annotations

from haat.core.events import Event, Part
from haat.orders.models import Order

_ORDER = {
    "number": "HT-10042",
    "token": "q9Jx3dV0b1kZ2m8sTt4w",
    "payment_type": "prepaid",
    "currency": "INR",
    "total_amount": 259800,
    "customer_id": 17,
    "email": "asha@example.in",
}


class OrderedLine(Part):
    """One line of the order."""

    variant_id: int | None
    """The variant bought; null once that variant was deleted."""
    sku: str
    """Its SKU at the time of the order."""
    quantity: int
    """Units ordered."""
    unit_amount: int
    """Price of one unit, in minor units of the order's currency."""


class OrderSummary(Event):
    """Who ordered what, of which kind, for how much: the one payload of `order.placed`
    and `order.confirmed`, whichever path writes them."""

    example = {
        **_ORDER,
        "status": "pending_payment",
        "lines": [{"variant_id": 31, "sku": "KURTA-M", "quantity": 2, "unit_amount": 129900}],
    }

    number: str
    """Public order number (`HT-10042`)."""
    token: str
    """Unguessable token of the shopper's order page and pay link."""
    status: Order.Status
    """The order's status when the event was written."""
    payment_type: Order.PaymentType
    """How the order is paid."""
    currency: str
    """ISO 4217 code of every amount of the order."""
    total_amount: int
    """What the order costs in all, in minor units."""
    customer_id: int
    """The customer."""
    email: str
    """Where the shopper is written to."""
    lines: list[OrderedLine]
    """What was ordered."""


class OrderPlaced(OrderSummary):
    """An order was written at checkout (or by staff), whatever its payment type; one
    placed `confirmed` has `order.confirmed` written with it."""

    event_type = "order.placed"


class OrderConfirmed(OrderSummary):
    """An order was confirmed: placed as confirmed (cash on delivery), or paid in full
    while pending payment. Its stock is sold."""

    event_type = "order.confirmed"
    example = {**OrderSummary.example, "status": "confirmed"}


class OrderCancelled(Event):
    """An order was cancelled (by staff, or because it was not paid in time). Held stock
    went back at once; units already sold were put back."""

    event_type = "order.cancelled"
    example = {
        "number": "HT-10042",
        "previous_status": "pending_payment",
        "reason": "Payment not completed in time",
        "note": "Expired",
    }

    number: str
    """Public order number."""
    previous_status: Order.Status
    """The status it was cancelled from."""
    reason: str
    """What the shopper reads; may be empty."""
    note: str
    """Staff's note; may be empty."""


class OrderReservationExpired(Event):
    """A reserve & pay order was not paid by its deadline and was cancelled (written
    with `order.cancelled`, for the message that tells the shopper)."""

    event_type = "order.reservation_expired"
    example = {
        "number": "HT-10042",
        "token": "q9Jx3dV0b1kZ2m8sTt4w",
        "email": "asha@example.in",
        "previous_status": "pending_payment",
        "reason": "Payment not completed in time",
    }

    number: str
    """Public order number."""
    token: str
    """Token of the shopper's order page."""
    email: str
    """Where the shopper is written to."""
    previous_status: Order.Status
    """The status it expired from."""
    reason: str
    """What the shopper reads."""


class RemovedLine(Part):
    """A line dropped from an order."""

    sku: str
    """The line's SKU."""
    quantity: int
    """Units it had."""


class OrderLinesRemoved(Event):
    """Lines that could not be sourced were dropped from an order awaiting confirmation,
    and its amounts recomputed."""

    event_type = "order.lines_removed"
    example = {
        "number": "HT-10042",
        "lines": [{"sku": "KURTA-M", "quantity": 1}],
        "total_amount": 129900,
    }

    number: str
    """Public order number."""
    lines: list[RemovedLine]
    """The lines removed."""
    total_amount: int
    """The order's new total, in minor units."""


class ShortLine(Part):
    """A line whose stock was not there."""

    variant_id: int
    """The variant."""
    sku: str
    """Its SKU."""
    requested: int
    """Units the order needs."""
    available: int
    """Units that were available."""


class OrderStockShort(Event):
    """An order was paid after its hold lapsed and the stock was gone in the meantime:
    staff must source the units or refund. The order is confirmed all the same."""

    event_type = "order.stock_short"
    example = {
        "number": "HT-10042",
        "lines": [{"variant_id": 31, "sku": "KURTA-M", "requested": 2, "available": 1}],
    }

    number: str
    """Public order number."""
    lines: list[ShortLine]
    """The lines short of stock."""


class OrderPaidWhileClosed(Event):
    """Money was captured for an order that cannot take it (cancelled, its stock gone
    after a failed attempt, or already paid): payments refunds it automatically through
    its gateway (`payment.late_refunded` once the money is back)."""

    event_type = "order.paid_while_closed"
    example = {"number": "HT-10042", "status": "cancelled"}

    number: str
    """Public order number."""
    status: Order.Status
    """The order's status when the money arrived."""


class OrderRevived(Event):
    """An order cancelled for not being paid in time was paid after all (a slow UPI
    payment), and the store revives such orders: every line's stock was taken again and
    the order confirmed (written with `order.confirmed`, for the message that tells the
    shopper their order is back on)."""

    event_type = "order.revived"
    example = {
        "number": "HT-10042",
        "token": "q9Jx3dV0b1kZ2m8sTt4w",
        "email": "asha@example.in",
        "amount": 129900,
        "currency": "INR",
    }

    number: str
    """Public order number."""
    token: str
    """Token of the shopper's order page."""
    email: str
    """Where the shopper is written to."""
    amount: int
    """The late payment that revived it, in minor units."""
    currency: str
    """ISO 4217 code of the amount."""


class OrderStatusChanged(Event):
    """An order moved on its way to the customer: processing and packed (staff), then
    partially shipped, shipped, out for delivery, partially delivered, delivered or RTO
    (its shipments). Confirmation and cancellation have their own events."""

    event_type = "order.status_changed"
    example = {
        "number": "HT-10042",
        "token": "q9Jx3dV0b1kZ2m8sTt4w",
        "from_status": "packed",
        "to_status": "shipped",
        "note": "",
    }

    number: str
    """Public order number."""
    token: str
    """Token of the shopper's tracking page (`/track/<token>`)."""
    from_status: Order.Status
    """The status it left."""
    to_status: Order.Status
    """The status it reached."""
    note: str
    """Why, in staff's or the courier's words; may be empty."""
