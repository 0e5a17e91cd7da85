"""Reserve & pay (on-demand sourcing): the order waits in pending_confirmation, holding
its stock, until staff answer every line (or `confirm_by` passes:
`orders.lifecycle.expire_overdue`).

Orders records each answer and settles the order on the last one
(`orders.lifecycle.availability_answered`: cancelled when nothing is available, the
unavailable lines removed otherwise). Payments supplies what is its own:
- the amounts for the lines left, recomputed by `payment_options` (`_amounts`);
- the payment window (PaymentSettings.reserve_window_hours), the order's new deadline;
- the customer's payment link: a Razorpay Payment Link when the currency's gateway is
  Razorpay, else Haat's own pay page `/pay/<order token>` (which opens the currency's
  gateway checkout; Stripe has no links). `payment.link_created` carries the URL for the
  notification.
Paying confirms the order (`orders.lifecycle.payment_captured`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from haat.core.errors import DomainError
from haat.core.money import Money
from haat.core.outbox import emit
from haat.gateways.adapters import get_gateway
from haat.orders import lifecycle
from haat.orders.models import Order, OrderLine
from haat.payments.config import gateway_code_for_currency, get_settings
from haat.payments.events import PaymentLinkCreated
from haat.payments.flows import pay_page_url
from haat.payments.models import Payment, PaymentType
from haat.payments.options import payment_options

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AvailabilityResult:
    order: Order
    outcome: str  # "waiting" | "cancelled" | "payment_requested"
    link_url: str = ""


def set_line_availability(*, order: Order, line_id: int, available: bool) -> AvailabilityResult:
    """Staff's answer for one line; the last answer settles the order (see module doc)."""
    until = timezone.now() + timedelta(hours=get_settings().reserve_window_hours)
    answered = lifecycle.availability_answered(
        order=order, line_id=line_id, available=available, reprice=_amounts, pay_by=until
    )
    if answered.outcome != "payment_requested":
        return AvailabilityResult(answered.order, answered.outcome)
    url = send_payment_link(order=answered.order)
    return AvailabilityResult(answered.order, answered.outcome, url)


def _amounts(order: Order, kept: list[OrderLine]) -> lifecycle.NewAmounts:
    """The reserve & pay split for the lines left (express fee kept as charged)."""
    currency = order.currency_id
    subtotal = sum(line.line_amount for line in kept)
    # Prices excluding GST: the kept lines' tax is paid on top, like the express fee.
    tax_added = 0 if order.prices_include_tax else sum(line.tax_amount for line in kept)
    options = payment_options(
        currency=currency,
        lines=[(line.variant, line.quantity) for line in kept if line.variant is not None],
        subtotal=Money(subtotal, currency),
        address=order.shipping_address,
        extras=Money(order.express_amount + order.shipping_amount + tax_added, currency),
    )
    chosen = next(o for o in options if o.type == PaymentType.RESERVE_AND_PAY)
    return lifecycle.NewAmounts(
        subtotal=subtotal,
        shipping=order.shipping_amount,
        cod_fee=chosen.fee.amount,
        express=order.express_amount,
        due_online=chosen.pay_now.amount,
        due_on_delivery=chosen.pay_on_delivery.amount,
        tax_added=tax_added,
    )


def send_payment_link(*, order: Order) -> str:
    """Create the customer's payment link (outside any transaction) and record
    `payment.link_created`. Falls back to Haat's pay page if the gateway refuses."""
    order.refresh_from_db()
    url, gateway = pay_page_url(order), "haat"
    if gateway_code_for_currency(order.currency_id) == "razorpay":
        try:
            url = _razorpay_link(order)
            gateway = "razorpay"
        except DomainError as exc:
            logger.warning("Razorpay link for %s failed: %s", order.number, exc.message)
    with transaction.atomic():
        emit(
            PaymentLinkCreated(
                number=order.number,
                token=order.token,
                email=order.email,
                phone=order.phone,
                url=url,
                gateway=gateway,
                amount=order.amount_due_online,
                currency=order.currency_id,
                expires_at=order.pay_by,
            ),
            aggregate=order,
        )
    return url


def _razorpay_link(order: Order) -> str:
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
