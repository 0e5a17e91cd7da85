"""Order writes for reserve & pay: staff's per-line availability answers, and removing
the lines that cannot be sourced (with the order's amounts recomputed by the caller).

Called by `haat.payments.reserve` inside its transaction, with the order row locked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from haat.core.audit import record_audit
from haat.core.errors import Conflict, NotFound
from haat.core.events import record_event
from haat.orders.models import Order, OrderLine


@dataclass(frozen=True)
class NewAmounts:
    subtotal: int
    cod_fee: int
    express: int
    due_online: int
    due_on_delivery: int
    shipping: int = 0

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping + self.cod_fee + self.express


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reservations writes must run in the caller's transaction")


def record_availability(*, order: Order, line_id: int, available: bool) -> OrderLine:
    """Store staff's answer for one line of an order awaiting confirmation."""
    _in_transaction()
    if order.status != Order.Status.PENDING_CONFIRMATION:
        raise Conflict(
            f"Order {order.number} is {order.get_status_display().lower()}; availability "
            "is confirmed only while it awaits confirmation.",
            code="not_awaiting_confirmation",
            details={"status": order.status},
        )
    line = OrderLine.objects.filter(order_id=order.pk, pk=line_id).first()
    if line is None:
        raise NotFound(
            f"Line {line_id} is not part of order {order.number}.",
            code="line_not_found",
            details={"field": "line_id"},
        )
    before = line.availability
    line.availability = (
        OrderLine.Availability.AVAILABLE if available else OrderLine.Availability.UNAVAILABLE
    )
    line.availability_checked_at = timezone.now()
    line.save(update_fields=["availability", "availability_checked_at"])
    record_audit(
        action="order.line_availability",
        obj=order,
        changes={"line": line.pk, "sku": line.sku, "availability": [before, line.availability]},
    )
    return line


def remove_lines(*, order: Order, lines: list[OrderLine], amounts: NewAmounts) -> None:
    """Drop lines that cannot be sourced and store the recomputed amounts."""
    _in_transaction()
    removed = [{"sku": line.sku, "quantity": line.quantity} for line in lines]
    OrderLine.objects.filter(order_id=order.pk, pk__in=[line.pk for line in lines]).delete()
    fields = {
        "subtotal_amount": amounts.subtotal,
        "cod_fee_amount": amounts.cod_fee,
        "express_amount": amounts.express,
        "total_amount": amounts.total,
        "amount_due_online": amounts.due_online,
        "amount_due_on_delivery": amounts.due_on_delivery,
        "updated_at": timezone.now(),
    }
    Order.objects.filter(pk=order.pk).update(**fields)
    for name, value in fields.items():
        setattr(order, name, value)
    record_event(
        "order.lines_removed",
        aggregate=order,
        payload={"number": order.number, "lines": removed, "total_amount": amounts.total},
    )
    record_audit(action="order.lines_removed", obj=order, changes={"lines": removed})
