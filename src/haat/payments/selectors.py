"""Reads for the API, the dashboard and the gateway registry."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from haat.checkout.carts import get_cart
from haat.checkout.selectors import priced_lines
from haat.core.errors import ValidationError
from haat.core.money import Money, money_json
from haat.payments.config import gateway_code_for_currency
from haat.payments.models import (
    PartialCodRule,
    Payment,
    PaymentMethodRule,
    PaymentTransaction,
    Refund,
)
from haat.payments.options import express_fee, payment_options

__all__ = [
    "cart_payment_options",
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


def cart_payment_options(*, token: str, address: dict[str, str], express_sourcing: bool) -> dict:
    """Each payment type for an open cart at its live prices and this address: available or
    why not, and the split (paid now / on delivery) that always sums to the total."""
    cart = get_cart(token, open_only=True)
    currency = cart.currency_id
    lines = list(priced_lines({"cart": cart}, currency))
    if not lines:
        raise ValidationError("The cart is empty.", code="cart_empty", details={"field": "lines"})
    subtotal = sum(
        (line.live_amount if line.live_amount is not None else line.unit_amount) * line.quantity
        for line in lines
    )
    fee = express_fee(currency)
    options = payment_options(
        currency=currency,
        lines=[(line.variant, line.quantity) for line in lines],
        subtotal=Money(subtotal, currency),
        address=address,
        extras=fee if express_sourcing else None,
    )
    return {
        "currency": currency,
        "subtotal": money_json(subtotal, currency),
        "express_fee": money_json(fee.amount, currency),
        "options": [option.as_dict() for option in options],
    }
