"""Reads for the API, the dashboard and the gateway registry."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from haat.core.money import money_json
from haat.payments.config import gateway_code_for_currency
from haat.payments.models import (
    PartialCodRule,
    Payment,
    PaymentMethodRule,
    PaymentTransaction,
    Refund,
)

__all__ = [
    "gateway_code_for_currency",
    "method_rules",
    "partial_cod_rules",
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
