"""What paying (or not paying) does to an order: the flows between payments, orders and
stock.

- `on_payment_captured` / `on_payment_failed` are called by `services.apply_gateway_update`
  inside its transaction with the order row locked. Capture of the whole online amount
  confirms the order and sells its held stock; a failure moves a checkout order to
  payment_failed with a readable reason and gives the stock back (`retry_payment` holds
  it again).
- `start_checkout_payment` / `retry_payment` open a gateway payment for what is due
  online; the gateway is called outside any transaction.
- `expire_overdue` (periodic, `orders.tasks`) cancels orders whose deadline passed:
  pending_payment / payment_failed past `pay_by` ("Payment not completed in time"),
  reserve & pay orders past `confirm_by` (`reservation.expired`).

Razorpay: Haat relies on automatic capture (Razorpay Dashboard → Account & Settings →
Payment capture → automatic); an authorized-only payment is recorded but does not confirm
the order until Razorpay reports the capture.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haat.core.errors import Conflict
from haat.core.events import record_event
from haat.core.money import money_json
from haat.inventory.holds import (
    HoldRequest,
    OutOfStock,
    convert_holds,
    hold_minutes,
    place_holds,
    release_holds,
)
from haat.inventory.models import StockHold
from haat.orders import services as order_services
from haat.orders import state
from haat.orders.models import Order
from haat.payments.models import Payment
from haat.payments.types import GatewayCheckout

HOLD_OWNER = "order"
NOT_PAID_IN_TIME = "Payment not completed in time"
NOT_CONFIRMED_IN_TIME = "We could not confirm your items in time, so the reservation was cancelled."
S = Order.Status
OPEN_PAYMENTS = (Payment.Status.CREATED, Payment.Status.PENDING)


# --- gateway facts (called under the order lock) --------------------------------------------
def on_payment_captured(order: Order) -> None:
    """Confirm an order waiting for payment and sell its stock. A failed order that gets
    paid anyway (a second attempt) is revived when its stock can be held again; money for
    a cancelled order is flagged for staff to refund."""
    if order.status == S.PAYMENT_FAILED:
        try:
            _hold_again(order, until=timezone.now() + timedelta(minutes=hold_minutes()))
        except OutOfStock:
            _flag_closed(order)
            return
        state.transition(order, S.PENDING_PAYMENT, note="Paid after a failed attempt")
    if order.status != S.PENDING_PAYMENT:
        _flag_closed(order)
        return
    state.transition(order, S.CONFIRMED, note="Payment received")
    order_services.set_payment_deadline(order, pay_by=None, cancel_reason="")
    _sell_stock(order)
    record_event(
        "order.confirmed",
        aggregate=order,
        payload={
            "number": order.number,
            "token": order.token,
            "payment_type": order.payment_type,
            "email": order.email,
            "total_amount": order.total_amount,
            "currency": order.currency_id,
        },
    )


def _flag_closed(order: Order) -> None:
    record_event(
        "payment.captured_for_closed_order",
        aggregate=order,
        payload={"number": order.number, "status": order.status},
    )


def on_payment_failed(order: Order, reason: str) -> None:
    """A checkout payment failed: payment_failed with the reason, stock released."""
    if order.status != S.PENDING_PAYMENT:
        return
    text = (reason or "The payment did not go through.")[:300]
    state.transition(order, S.PAYMENT_FAILED, note=text)
    order_services.set_payment_deadline(order, pay_by=order.pay_by, cancel_reason=text)
    release_holds(owner_type=HOLD_OWNER, owner_id=str(order.pk), reason="payment failed")


def _held(order: Order) -> dict[int, int]:
    held: dict[int, int] = defaultdict(int)
    rows = StockHold.objects.filter(
        owner_type=HOLD_OWNER, owner_id=str(order.pk), status=StockHold.Status.ACTIVE
    ).values_list("variant_id", "quantity")
    for variant_id, quantity in rows:
        held[variant_id] += quantity
    return held


def _missing(order: Order) -> list[HoldRequest]:
    """Lines whose stock is not (or no longer) held by the order."""
    held = _held(order)
    wanted: dict[int, int] = defaultdict(int)
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        if variant_id is not None:
            wanted[variant_id] += quantity
    return [
        HoldRequest(variant_id, quantity - held.get(variant_id, 0))
        for variant_id, quantity in sorted(wanted.items())
        if quantity > held.get(variant_id, 0)
    ]


def _hold_again(order: Order, *, until: datetime) -> None:
    """Hold the order's missing stock (OutOfStock names what cannot be held)."""
    missing = _missing(order)
    if missing:
        place_holds(
            requests=missing, owner_type=HOLD_OWNER, owner_id=str(order.pk), expires_at=until
        )


def _sell_stock(order: Order) -> None:
    """Turn the order's holds into sales; holds that lapsed (a payment that arrived after
    the hold expired) are placed again first, and a shortfall is flagged for staff."""
    try:
        with transaction.atomic():
            _hold_again(order, until=timezone.now() + timedelta(minutes=5))
    except OutOfStock as exc:
        record_event(
            "order.stock_short",
            aggregate=order,
            payload={"number": order.number, "lines": exc.details.get("lines", [])},
        )
    convert_holds(owner_type=HOLD_OWNER, owner_id=str(order.pk), reference=order.number)


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
    from haat.payments.services import start_online_payment

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
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        now = timezone.now()
        if locked.status == S.PAYMENT_FAILED:
            until = now + timedelta(minutes=hold_minutes())
            try:
                _hold_again(locked, until=until)
            except OutOfStock as exc:
                raise Conflict(
                    "Some items sold out since the payment failed: " + exc.message,
                    code="out_of_stock",
                    details=exc.details,
                ) from None
            state.transition(locked, S.PENDING_PAYMENT, note="Payment retried")
            order_services.set_payment_deadline(locked, pay_by=until, cancel_reason="")
        elif locked.status != S.PENDING_PAYMENT:
            raise Conflict(
                f"Order {locked.number} is {locked.get_status_display().lower()}; "
                "there is nothing to pay.",
                code="not_payable",
                details={"status": locked.status},
            )
        elif locked.pay_by and locked.pay_by <= now:
            raise Conflict(
                "The time to pay for this order has run out.",
                code="payment_expired",
                details={"pay_by": locked.pay_by.isoformat()},
            )
    return start_checkout_payment(order=locked, return_url=return_url)


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


# --- expiry ---------------------------------------------------------------------------------
def overdue(now: datetime) -> Q:
    return Q(status=S.PENDING_CONFIRMATION, confirm_by__lte=now) | Q(
        status__in=[S.PENDING_PAYMENT, S.PAYMENT_FAILED], pay_by__lte=now
    )


def expire_overdue(*, now: datetime | None = None, limit: int = 200) -> int:
    """Cancel orders whose deadline passed (each in its own transaction); returns how many."""
    now = now or timezone.now()
    ids = list(Order.objects.filter(overdue(now)).order_by("id").values_list("pk", flat=True))
    done = 0
    for pk in ids[:limit]:
        done += expire_order(order_id=pk, now=now)
    return done


def expire_order(*, order_id: int, now: datetime) -> bool:
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(overdue(now), pk=order_id).first()
        if order is None:  # paid or cancelled meanwhile
            return False
        was = order.status
        if was == S.PENDING_CONFIRMATION:
            reason = NOT_CONFIRMED_IN_TIME
        elif was == S.PAYMENT_FAILED:
            reason = order.cancel_reason or NOT_PAID_IN_TIME
        else:
            reason = NOT_PAID_IN_TIME
        order_services.cancel_order(order=order, reason=reason, note="Expired")
        expire_open_payments(order, reason="The time to pay ran out.")
        if order.payment_type == Order.PaymentType.RESERVE_AND_PAY:
            record_event(
                "reservation.expired",
                aggregate=order,
                payload={
                    "number": order.number,
                    "token": order.token,
                    "email": order.email,
                    "from": was,
                    "reason": reason,
                },
            )
    return True


def expire_open_payments(order: Order, *, reason: str) -> int:
    return Payment.objects.filter(order_id=order.pk, status__in=OPEN_PAYMENTS).update(
        status=Payment.Status.EXPIRED, failure_reason=reason[:300], updated_at=timezone.now()
    )
