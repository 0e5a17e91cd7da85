"""Reads for the API and the dashboard."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from haat.core.money import money_json
from haat.gateways.callbacks import TestPayment
from haat.orders.callbacks import OrderMoney
from haat.orders.models import Order
from haat.payments.cod import can_collect
from haat.payments.flows import OPEN_PAYMENTS
from haat.payments.ledger import refundable_amount
from haat.payments.models import (
    PartialCodRule,
    Payment,
    PaymentMethodRule,
    PaymentTransaction,
    Refund,
)

__all__ = [
    "method_rules",
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
    return OrderMoney(
        payments=list(payments(order_id=order.pk)),
        transactions=list(transactions(order_id=order.pk).order_by("id")),
        refunds=list(refunds(order_id=order.pk)),
        refundable=refundable_amount(order),
        can_collect=can_collect(order),
    )


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
