"""Builders for payments tests: real catalog, inventory, orders and payments services."""

from __future__ import annotations

from datetime import datetime

from haat.catalog.models import Variant
from haat.customers.services import match_or_create_customer
from haat.orders import services as orders
from haat.orders.models import Order
from tests.checkout.helpers import ADDRESS


def make_order(
    variant: Variant,
    *,
    quantity: int = 1,
    unit_amount: int = 100000,
    currency: str = "INR",
    payment_type: str = "prepaid",
    status: str = "pending_payment",
    due_online: int | None = None,
    pay_by: datetime | None = None,
) -> Order:
    """An order built by the orders service (stock held for it); `due_online` sets the
    partial-COD split the way checkout will."""
    customer = match_or_create_customer(email="asha@example.in", phone="9845012345")
    order = orders.create_order(
        customer=customer,
        currency=currency,
        email=customer.email,
        phone=customer.phone,
        name="Asha",
        shipping_address=ADDRESS,
        billing_address=ADDRESS,
        payment_type=payment_type,
        status=status,
        terms=orders.PaymentTerms(pay_by=pay_by) if pay_by else None,
        hold_until=pay_by,
        lines=[orders.LineInput(variant.pk, variant.sku, "Kurta", {}, quantity, unit_amount)],
    )
    if due_online is not None:
        Order.objects.filter(pk=order.pk).update(
            amount_due_online=due_online, amount_due_on_delivery=order.total_amount - due_online
        )
        order.refresh_from_db()
    return order
