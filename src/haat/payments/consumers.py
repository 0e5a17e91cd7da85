"""What payments does when other contexts report facts (see haat.core.events)."""

from __future__ import annotations

from haat.core.events import Delivery, consumer
from haat.orders.events import OrderCancelled
from haat.orders.models import Order
from haat.payments.flows import expire_open_payments

CANCELLED = "The order was cancelled."


@consumer("payments.expire_open", OrderCancelled)
def expire_open(event: OrderCancelled, delivery: Delivery) -> None:
    """Expires the cancelled order's open payments (created or pending), so none of them
    is still offered or polled as if the order waited for money. Idempotent: an expired
    payment is no longer open."""
    order = Order.objects.only("id").get(pk=int(delivery.aggregate_id))
    expire_open_payments(order, reason=CANCELLED)
