"""Opening payments for an order, and what payments report to orders.

- `start_checkout_payment` / `retry_payment` open a gateway payment for what is due
  online; the gateway is called outside any transaction. A retry first asks orders to
  reopen the order for payment (`orders.lifecycle.reopen_for_payment`: the stock held
  again after a failure).
- What a payment does to its order is decided by `orders.lifecycle`: payments reports
  the facts (`payment_captured`, `payment_failed`, `money_changed`) from
  `services.apply_gateway_update`, under the order lock.
- `expire_open_payments` closes the payments of an order cancelled for running out of
  time (`orders.lifecycle.expire_overdue` calls it through `orders.callbacks`).

Razorpay: Haat relies on automatic capture (Razorpay Dashboard → Account & Settings →
Payment capture → automatic); an authorized-only payment is recorded but does not confirm
the order until Razorpay reports the capture.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from haat.core.money import money_json
from haat.gateways.types import GatewayCheckout
from haat.orders import lifecycle
from haat.orders.models import Order
from haat.payments.models import Payment
from haat.payments.services import start_online_payment

OPEN_PAYMENTS = (Payment.Status.CREATED, Payment.Status.PENDING)


# --- opening payments -----------------------------------------------------------------------
def pay_page_path(order: Order) -> str:
    return f"/pay/{order.token}"


def pay_page_url(order: Order) -> str:
    """Haat's own pay page for the order (absolute: it goes into e-mails and gateways)."""
    base = str(getattr(settings, "HAAT_BASE_URL", "") or "").rstrip("/")
    return f"{base}{pay_page_path(order)}"


def _purpose(order: Order) -> str:
    if order.payment_type == Order.PaymentType.RESERVE_AND_PAY:
        return Payment.Purpose.LINK
    if order.payment_type == Order.PaymentType.PARTIAL_COD:
        return Payment.Purpose.UPFRONT
    return Payment.Purpose.FULL


def start_checkout_payment(*, order: Order, return_url: str = "") -> tuple[Payment, Any]:
    """Open the gateway payment for what the order owes online; it expires with the
    order's deadline (the stock hold)."""
    payment, checkout = start_online_payment(
        order=order, purpose=_purpose(order), return_url=return_url or pay_page_url(order)
    )
    if order.pay_by:  # the caller's order is current (just created or locked)
        Payment.objects.filter(pk=payment.pk).update(expires_at=order.pay_by)
        payment.expires_at = order.pay_by
    return payment, checkout


def retry_payment(*, order: Order, return_url: str = "") -> tuple[Payment, Any]:
    """Pay again after a failure (the stock is held again first) or open another payment
    for an order still waiting. Conflict when the order is not payable any more."""
    reopened = lifecycle.reopen_for_payment(order=order)
    return start_checkout_payment(order=reopened, return_url=return_url)


def payment_payload(payment: Payment, checkout: GatewayCheckout) -> dict[str, Any]:
    """What a storefront needs to send the customer to pay."""

    return {
        "id": payment.pk,
        "gateway": checkout.gateway,
        "purpose": payment.purpose,
        "amount": money_json(payment.amount, payment.currency),
        "redirect_url": checkout.redirect_url,
        "client_data": checkout.client_data,
        "expires_at": payment.expires_at.isoformat() if payment.expires_at else None,
    }


# --- expiry ------------------------------------------------------------------------------
def expire_open_payments(order: Order, *, reason: str = "The time to pay ran out.") -> int:
    return Payment.objects.filter(order_id=order.pk, status__in=OPEN_PAYMENTS).update(
        status=Payment.Status.EXPIRED, failure_reason=reason[:300], updated_at=timezone.now()
    )
