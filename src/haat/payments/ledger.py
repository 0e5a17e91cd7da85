"""The payment ledger: its rows (`PaymentTransaction`, append-only, one per gateway
reference) and the totals orders stores as an order's money summary.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from haat.core.context import current_actor
from haat.orders import lifecycle
from haat.orders.models import Order
from haat.payments.models import Payment, PaymentTransaction, Refund

Kind = PaymentTransaction.Kind


def record_transaction(
    *,
    order: Order,
    kind: str,
    amount: int,
    currency: str,
    gateway: str,
    reference: str = "",
    payment: Payment | None = None,
    raw: dict[str, Any] | None = None,
) -> PaymentTransaction | None:
    """Append a ledger row; None when a row with this (gateway, kind, reference) exists."""
    reference = (reference or "")[:120]
    if (
        reference
        and PaymentTransaction.objects.filter(
            gateway=gateway, kind=kind, gateway_reference=reference
        ).exists()
    ):
        return None
    try:
        with transaction.atomic():
            return PaymentTransaction.objects.create(
                order=order,
                payment=payment,
                kind=kind,
                amount=amount,
                currency=currency[:3],
                gateway=gateway,
                gateway_reference=reference,
                raw=raw or {},
                actor_label=current_actor().label[:255],
            )
    except IntegrityError:  # a concurrent delivery of the same fact won
        return None


def refresh_payment_status(order: Order) -> Order:
    """Total the order's ledger (one aggregate query) and report it to orders, which stores
    amount_paid, amount_refunded and the payment_status it derives. Call with the order
    row locked."""
    totals = PaymentTransaction.objects.filter(order_id=order.pk).aggregate(
        paid=Coalesce(Sum("amount", filter=Q(kind__in=[Kind.CAPTURE, Kind.COD_COLLECTED])), 0),
        refunded=Coalesce(Sum("amount", filter=Q(kind=Kind.REFUND)), 0),
        failures=Count("id", filter=Q(kind=Kind.FAILURE)),
    )
    return lifecycle.money_changed(
        order=order,
        paid=int(totals["paid"]),
        refunded=int(totals["refunded"]),
        failures=int(totals["failures"]),
    )


def refundable_amount(order: Order) -> int:
    """Paid (captures + COD collected) less every refund not failed, in minor units."""
    reserved = Refund.objects.filter(order_id=order.pk).exclude(status=Refund.Status.FAILED)
    taken = reserved.aggregate(total=Coalesce(Sum("amount"), 0))["total"]
    return max(order.amount_paid - int(taken), 0)
