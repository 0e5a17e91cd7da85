"""Reads for the API and the dashboard."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from haat.accounts.selectors import names_by_email
from haat.core.money import formatted, money_json
from haat.gateways.callbacks import TestPayment
from haat.orders.callbacks import OrderMoney
from haat.orders.models import Order
from haat.payments.cod import can_collect
from haat.payments.flows import OPEN_PAYMENTS
from haat.payments.ledger import refundable_amount
from haat.payments.models import (
    LatePayment,
    PartialCodRule,
    Payment,
    PaymentMethodRule,
    PaymentTransaction,
    Refund,
)

__all__ = [
    "late_notice",
    "late_payments",
    "late_state",
    "method_rules",
    "needs_attention",
    "needs_attention_count",
    "order_money",
    "partial_cod_rules",
    "payment_for_test_page",
    "payments",
    "refund_payload",
    "refunds",
    "transactions",
]


def method_rules() -> QuerySet[PaymentMethodRule]:
    return PaymentMethodRule.objects.select_related("category", "product").order_by(
        "payment_type", "scope", "id"
    )


def partial_cod_rules() -> QuerySet[PartialCodRule]:
    return PartialCodRule.objects.select_related("category", "product").order_by(
        "scope", "currency_id", "min_order_value", "id"
    )


def payments(*, order_id: int) -> QuerySet[Payment]:
    """An order's payments, newest first."""
    return Payment.objects.filter(order_id=order_id).order_by("-id")


def transactions(*, order_id: int | None = None) -> QuerySet[PaymentTransaction]:
    qs = PaymentTransaction.objects.select_related("order", "payment").order_by("-id")
    return qs.filter(order_id=order_id) if order_id else qs


def refunds(*, order_id: int | None = None) -> QuerySet[Refund]:
    qs = Refund.objects.select_related("order").order_by("-id")
    return qs.filter(order_id=order_id) if order_id else qs


def refund_payload(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.pk,
        "order": refund.order.number,
        "amount": money_json(refund.amount, refund.currency),
        "status": refund.status,
        "method": refund.method,
        "reference": refund.reference,
        "reason": refund.reason,
        "lines": refund.lines,
        "gateway_refund_id": refund.gateway_refund_id,
        "failure_reason": refund.failure_reason,
        "created_by": refund.created_by_label,
        "created_at": refund.created_at.isoformat(),
        "processed_at": refund.processed_at.isoformat() if refund.processed_at else None,
    }


def order_money(order: Order) -> OrderMoney:
    """The order's payments, ledger rows and refunds for its page and admin body (four
    queries; orders asks through `orders.callbacks`)."""
    rows = list(transactions(order_id=order.pk).order_by("id"))
    names = names_by_email(t.actor_label for t in rows)
    for t in rows:  # who recorded it, as staff read it: the name, not the e-mail
        t.actor_name = names.get(t.actor_label, t.actor_label or "Haat")
    return OrderMoney(
        payments=list(payments(order_id=order.pk)),
        transactions=rows,
        refunds=list(refunds(order_id=order.pk)),
        refundable=refundable_amount(order),
        can_collect=can_collect(order),
        notices=tuple(late_notice(late) for late in late_payments(order_id=order.pk)),
    )


# --- late payments (money captured for an order that could not take it) ---------------------
GATEWAY_NAMES = {"razorpay": "Razorpay", "stripe": "Stripe", "test": "the test gateway"}


def late_payments(*, order_id: int | None = None) -> QuerySet[LatePayment]:
    qs = LatePayment.objects.select_related("order", "payment", "refund").order_by("-id")
    return qs.filter(order_id=order_id) if order_id else qs


def needs_attention() -> QuerySet[LatePayment]:
    """Late payments staff must look at: a revived order (the customer was told it was
    cancelled) or a refund not confirmed by the gateway yet (pending or failed), until
    marked handled. Newest first."""
    return late_payments().filter(
        Q(outcome=LatePayment.Outcome.REVIVED)
        | Q(refund__status__in=[Refund.Status.PENDING, Refund.Status.FAILED]),
        handled_at__isnull=True,
    )


def needs_attention_count() -> int:
    return needs_attention().count()


def late_state(late: LatePayment) -> str:
    """Where a late payment stands, for the list's badge: revived, refunded, refund_failed,
    refund_sent (the gateway has it) or refund_unsent."""
    refund = late.refund
    if late.outcome == LatePayment.Outcome.REVIVED:
        return "revived"
    if refund is None or refund.status in (Refund.Status.PROCESSED, Refund.Status.MANUAL):
        return "refunded"
    if refund.status == Refund.Status.FAILED:
        return "refund_failed"
    return "refund_sent" if refund.gateway_refund_id else "refund_unsent"


def late_notice(late: LatePayment) -> str:
    """The late payment in one sentence for staff (the order page and the list)."""
    amount = formatted(late.amount, late.currency, settings.HAAT_LOCALE)
    head = f"Payment of {amount} {late.why}"
    refund = late.refund
    state = late_state(late)
    if state == "revived":
        return f"{head}; the order was revived and confirmed because every item was in stock."
    if state == "refunded":
        if refund is not None and refund.amount < late.amount:
            part = formatted(refund.amount, refund.currency, settings.HAAT_LOCALE)
            return f"{head}; {part} of it was refunded automatically."
        if refund is None:
            return f"{head}; it had already been refunded another way."
        return f"{head}; refunded automatically."
    gateway = GATEWAY_NAMES.get(late.payment.gateway, late.payment.gateway.title())
    if state == "refund_failed":
        why = f" ({refund.failure_reason})" if refund.failure_reason else ""
        return f"{head}; the automatic refund failed{why}. Retry it or refund by hand."
    if state == "refund_sent":
        return f"{head}; the refund was sent to {gateway}, waiting for it to confirm."
    why = f" ({refund.failure_reason})" if refund.failure_reason else ""
    return f"{head}; the automatic refund has not reached {gateway} yet{why}."


def payment_for_test_page(token: str) -> TestPayment | None:
    """The test-gateway payment behind its hosted page's token (`gateways.callbacks`)."""
    payment = Payment.objects.select_related("order").filter(token=token, gateway="test").first()
    if payment is None:
        return None
    return TestPayment(
        token=payment.token,
        gateway_order_id=payment.gateway_order_id,
        amount=payment.amount,
        currency=payment.currency,
        order_number=payment.order.number,
        status=payment.status,
        failure_reason=payment.failure_reason,
        expires_at=payment.expires_at,
        is_open=payment.status in OPEN_PAYMENTS,
    )
