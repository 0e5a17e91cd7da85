"""Reserve & pay (on-demand sourcing): the order waits in pending_confirmation, holding
its stock, until staff answer every line (or `confirm_by` passes: `flows.expire_overdue`).

When the last line is answered:
- every line unavailable → the order is cancelled, its stock released;
- some unavailable → those lines are removed (their stock released), the amounts are
  recomputed by `payment_options` for the lines left;
- the customer's e-mail is subscribed to back-in-stock notices for each unavailable line;
- otherwise the order moves to pending_payment with its stock held for the payment window
  (PaymentSettings.reserve_window_hours) and the customer gets a payment link: a Razorpay
  Payment Link when the currency's gateway is Razorpay, else Haat's own pay page
  `/pay/<order token>` (which opens the currency's gateway checkout; Stripe has no links).
  `payment_link.created` carries the URL for the notification.
Paying confirms the order (`flows.on_payment_captured`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from haat.core.errors import DomainError
from haat.core.events import record_event
from haat.core.money import Money
from haat.inventory.holds import HoldRequest, place_holds, release_holds
from haat.inventory.services import subscribe_back_in_stock
from haat.orders import reservations, state
from haat.orders import services as order_services
from haat.orders.models import Order, OrderLine
from haat.payments.config import gateway_code_for_currency, get_settings
from haat.payments.flows import HOLD_OWNER, pay_page_url
from haat.payments.models import Payment, PaymentType
from haat.payments.options import payment_options

logger = logging.getLogger(__name__)
A = OrderLine.Availability
NOTHING_AVAILABLE = (
    "Sorry, none of the items could be sourced, so the order was cancelled. "
    "We will e-mail you when they are back in stock."
)


@dataclass(frozen=True)
class AvailabilityResult:
    order: Order
    outcome: str  # "waiting" | "cancelled" | "payment_requested"
    link_url: str = ""


def set_line_availability(*, order: Order, line_id: int, available: bool) -> AvailabilityResult:
    """Staff's answer for one line; the last answer settles the order (see module doc)."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        reservations.record_availability(order=locked, line_id=line_id, available=available)
        lines = list(locked.lines.select_related("variant__product").order_by("id"))
        if any(not line.availability for line in lines):
            return AvailabilityResult(locked, "waiting")
        gone = [line for line in lines if line.availability == A.UNAVAILABLE]
        _subscribe(locked, gone)
        if len(gone) == len(lines):
            order_services.cancel_order(
                order=locked, reason=NOTHING_AVAILABLE, note="No line could be sourced"
            )
            return AvailabilityResult(locked, "cancelled")
        kept = [line for line in lines if line.availability == A.AVAILABLE]
        if gone:
            reservations.remove_lines(order=locked, lines=gone, amounts=_amounts(locked, kept))
        until = timezone.now() + timedelta(hours=get_settings().reserve_window_hours)
        # Hold only what is kept, until the payment deadline.
        release_holds(owner_type=HOLD_OWNER, owner_id=str(locked.pk), reason="availability")
        place_holds(
            requests=[HoldRequest(line.variant_id, line.quantity) for line in kept],
            owner_type=HOLD_OWNER,
            owner_id=str(locked.pk),
            expires_at=until,
        )
        state.transition(locked, Order.Status.PENDING_PAYMENT, note="Availability confirmed")
        order_services.set_payment_deadline(locked, pay_by=until, cancel_reason="")
    url = send_payment_link(order=locked)
    return AvailabilityResult(locked, "payment_requested", url)


def _subscribe(order: Order, lines: list[OrderLine]) -> None:
    for line in lines:
        if line.variant_id is None:
            continue
        try:
            subscribe_back_in_stock(variant_id=line.variant_id, email=order.email)
        except DomainError as exc:  # a variant retired meanwhile: nothing to wait for
            logger.info("No back-in-stock subscription for %s: %s", line.sku, exc.message)


def _amounts(order: Order, kept: list[OrderLine]) -> reservations.NewAmounts:
    """The reserve & pay split for the lines left (express fee kept as charged)."""
    currency = order.currency_id
    subtotal = sum(line.line_amount for line in kept)
    options = payment_options(
        currency=currency,
        lines=[(line.variant, line.quantity) for line in kept if line.variant is not None],
        subtotal=Money(subtotal, currency),
        address=order.shipping_address,
        extras=Money(order.express_amount + order.shipping_amount, currency),
    )
    chosen = next(o for o in options if o.type == PaymentType.RESERVE_AND_PAY)
    return reservations.NewAmounts(
        subtotal=subtotal,
        shipping=order.shipping_amount,
        cod_fee=chosen.fee.amount,
        express=order.express_amount,
        due_online=chosen.pay_now.amount,
        due_on_delivery=chosen.pay_on_delivery.amount,
    )


def send_payment_link(*, order: Order) -> str:
    """Create the customer's payment link (outside any transaction) and record
    `payment_link.created`. Falls back to Haat's pay page if the gateway refuses."""
    order.refresh_from_db()
    url, gateway = pay_page_url(order), "haat"
    if gateway_code_for_currency(order.currency_id) == "razorpay":
        try:
            url = _razorpay_link(order)
            gateway = "razorpay"
        except DomainError as exc:
            logger.warning("Razorpay link for %s failed: %s", order.number, exc.message)
    with transaction.atomic():
        record_event(
            "payment_link.created",
            aggregate=order,
            payload={
                "number": order.number,
                "token": order.token,
                "email": order.email,
                "phone": order.phone,
                "url": url,
                "gateway": gateway,
                "amount": order.amount_due_online,
                "currency": order.currency_id,
                "expires_at": order.pay_by.isoformat() if order.pay_by else None,
            },
        )
    return url


def _razorpay_link(order: Order) -> str:
    from haat.gateways.registry import get_gateway

    gateway = get_gateway("razorpay")
    payment = Payment.objects.create(
        order=order,
        gateway="razorpay",
        purpose=Payment.Purpose.LINK,
        amount=order.amount_due_online,
        currency=order.currency_id,
        expires_at=order.pay_by,
    )
    try:
        link = gateway.create_link(
            payment=payment, order=order, expire_by=order.pay_by, callback_url=pay_page_url(order)
        )
    except DomainError as exc:
        Payment.objects.filter(pk=payment.pk).update(
            status=Payment.Status.FAILED, failure_reason=exc.message[:300]
        )
        raise
    Payment.objects.filter(pk=payment.pk).update(
        gateway_order_id=link.link_id[:100], url=link.url[:500], status=Payment.Status.PENDING
    )
    return link.url
