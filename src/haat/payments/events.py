"""The events payments emits: money in (captured online, collected in cash), money that
did not arrive or did not match, payment links, refunds. Payments reports these facts;
what they do to the order is orders' business (see haat.orders.events). The aggregate is
the order.
"""

from __future__ import annotations

from datetime import datetime

from haat.core.events import Event, Part
from haat.payments.models import Payment, Refund


class PaymentLinkCreated(Event):
    """A payment link for a reserve & pay order was made, to be sent to the shopper."""

    event_type = "payment.link_created"
    example = {
        "number": "HT-10042",
        "token": "q9Jx3dV0b1kZ2m8sTt4w",
        "email": "asha@example.in",
        "phone": "+919812345678",
        "url": "https://rzp.io/i/Xy12",
        "gateway": "razorpay",
        "amount": 259800,
        "currency": "INR",
        "expires_at": "2025-10-02T18:30:00Z",
    }

    number: str
    """Public order number."""
    token: str
    """Token of the shopper's order page."""
    email: str
    """Where to send the link."""
    phone: str
    """Where to message it (E.164); may be empty."""
    url: str
    """The link: the gateway's, or Haat's own pay page when the gateway refused."""
    gateway: str
    """Who made the link (`razorpay`, or `haat` for the pay page)."""
    amount: int
    """What the link asks for, in minor units."""
    currency: str
    """ISO 4217 code of the amount."""
    expires_at: datetime | None
    """When the order stops waiting for the money; null when it has no deadline."""


class PaymentCaptured(Event):
    """A gateway captured a payment for an order (once per capture, replays included)."""

    event_type = "payment.captured"
    example = {
        "number": "HT-10042",
        "payment_id": 88,
        "purpose": "full",
        "amount": 259800,
        "currency": "INR",
        "gateway": "razorpay",
        "gateway_payment_id": "pay_29QQoUBi66xm2f",
    }

    number: str
    """Public order number."""
    payment_id: int
    """The payment."""
    purpose: Payment.Purpose
    """What the payment was for."""
    amount: int
    """Amount captured, in minor units."""
    currency: str
    """ISO 4217 code of the amount."""
    gateway: str
    """The gateway that captured it."""
    gateway_payment_id: str
    """The gateway's id of the payment; may be empty."""


class CodCollected(Event):
    """Cash was collected on delivery for an order (once per collection reference)."""

    event_type = "payment.cod_collected"
    example = {"number": "HT-10042", "amount": 129900, "currency": "INR", "reference": "AWB123"}

    number: str
    """Public order number."""
    amount: int
    """Amount collected, in minor units."""
    currency: str
    """ISO 4217 code of the amount."""
    reference: str
    """The collection's reference (courier remittance line or staff entry)."""


class PaymentFailed(Event):
    """A payment attempt failed at the gateway."""

    event_type = "payment.failed"
    example = {"number": "HT-10042", "payment_id": 88, "reason": "Card declined"}

    number: str
    """Public order number."""
    payment_id: int
    """The payment."""
    reason: str
    """The gateway's reason, as the shopper may read it."""


class Amount(Part):
    """An amount in minor units of a currency."""

    amount: int
    """Minor units."""
    currency: str
    """ISO 4217 code."""


class PaymentMismatch(Event):
    """A gateway reported money that does not match the payment (another amount or
    currency): recorded in the ledger for staff, not applied."""

    event_type = "payment.mismatch"
    example = {
        "number": "HT-10042",
        "payment_id": 88,
        "expected": {"amount": 259800, "currency": "INR"},
        "received": {"amount": 250000, "currency": "INR"},
        "kind": "captured",
    }

    number: str
    """Public order number."""
    payment_id: int
    """The payment."""
    expected: Amount
    """What the payment asked for."""
    received: Amount
    """What the gateway reported."""
    kind: str
    """The kind of gateway update that did not match (`captured`, `authorized`...)."""


class RefundCreated(Event):
    """Staff started a refund (pending until the gateway or staff confirm it)."""

    event_type = "payment.refund_created"
    example = {"number": "HT-10042", "refund_id": 4, "amount": 129900, "currency": "INR"}

    number: str
    """Public order number."""
    refund_id: int
    """The refund."""
    amount: int
    """Amount to refund, in minor units."""
    currency: str
    """ISO 4217 code of the amount."""


class RefundProcessed(Event):
    """Money went back to the shopper: a refund was confirmed, or one made in the
    gateway's own dashboard was reported (`external`)."""

    event_type = "payment.refund_processed"
    example = {
        "number": "HT-10042",
        "refund_id": 4,
        "amount": 129900,
        "currency": "INR",
        "method": "gateway",
        "external": False,
    }

    number: str
    """Public order number."""
    refund_id: int | None
    """The refund; null for one made in the gateway's dashboard."""
    amount: int
    """Amount refunded, in minor units."""
    currency: str
    """ISO 4217 code of the amount."""
    method: Refund.Method
    """How the money went back."""
    external: bool
    """True when the refund was made outside Haat, in the gateway's dashboard."""


class PaymentLateRefunded(Event):
    """A payment that arrived for an order that could not take it (cancelled for not being
    paid in time, typically a slow UPI payment) was refunded automatically: the money is
    back with the shopper (once per refund), for the message that tells them."""

    event_type = "payment.late_refunded"
    example = {
        "number": "HT-10042",
        "token": "q9Jx3dV0b1kZ2m8sTt4w",
        "email": "asha@example.in",
        "phone": "+919812345678",
        "amount": 129900,
        "currency": "INR",
        "gateway": "razorpay",
        "refund_id": 4,
        "why": "arrived after the order was cancelled",
    }

    number: str
    """Public order number."""
    token: str
    """Token of the shopper's order page."""
    email: str
    """Where the shopper is written to."""
    phone: str
    """Where to message them (E.164); may be empty."""
    amount: int
    """Amount refunded, in minor units."""
    currency: str
    """ISO 4217 code of the amount."""
    gateway: str
    """The gateway the money went back through."""
    refund_id: int
    """The refund."""
    why: str
    """Why the payment could not be kept, in words ("arrived after the order was
    cancelled")."""
