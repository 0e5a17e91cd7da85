"""The shapes that cross between the gateway adapters and the payments context above them.

`haat.gateways` owns talking to Razorpay, Stripe and the built-in test gateway; it sits
below `haat.payments` (docs/architecture.md, Layers), so these shapes live here. A gateway
turns Haat's request into the provider's protocol and turns the provider's callbacks and
webhooks back into `GatewayUpdate`s, which the inbox hands to the handler payments
registers (`haat.gateways.callbacks`): `haat.payments.services.apply_gateway_update()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from haat.orders.models import Order
    from haat.payments.models import Payment, Refund


class UpdateKind:
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    FAILED = "failed"
    REFUND_PROCESSED = "refund_processed"
    REFUND_FAILED = "refund_failed"
    LINK_PAID = "link_paid"
    LINK_EXPIRED = "link_expired"


@dataclass(frozen=True)
class GatewayCheckout:
    """What a storefront needs to collect an online payment."""

    gateway: str
    gateway_order_id: str  # Razorpay order id, Stripe PaymentIntent id, test session id
    redirect_url: str = ""  # a hosted page to send the payer to (test gateway)
    client_data: dict[str, Any] = field(default_factory=dict)  # e.g. Razorpay key_id/order_id


@dataclass(frozen=True)
class GatewayLink:
    gateway: str
    link_id: str
    url: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class GatewayRefundResult:
    gateway_refund_id: str
    status: str  # "pending" | "processed" | "failed"
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayUpdate:
    """One normalised fact from a gateway (webhook, checkout callback, test page)."""

    gateway: str
    kind: str  # an UpdateKind value
    gateway_order_id: str  # the id Haat stored on the Payment (order / intent / link id)
    gateway_payment_id: str
    amount: int  # minor units
    currency: str
    event_id: str  # the provider's event id (dedupe key together with gateway)
    raw: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime | None = None
    gateway_refund_id: str = ""
    failure_reason: str = ""


class Gateway(Protocol):
    code: str  # "razorpay" | "stripe" | "test"
    test_mode: bool

    def create_checkout(
        self, *, payment: Payment, order: Order, return_url: str
    ) -> GatewayCheckout: ...

    def create_link(
        self, *, payment: Payment, order: Order, expire_by: datetime, callback_url: str
    ) -> GatewayLink: ...

    def refund(self, *, refund: Refund, payment: Payment) -> GatewayRefundResult: ...
