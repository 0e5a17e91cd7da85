"""Order writes: creating an order from held stock, and cancelling one.

`create_order` runs inside checkout's second transaction: the stock is already held (the
first, short transaction), so this only writes rows and turns the holds into sales (COD)
or hands them to the order (orders that wait for payment).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from haat.core.audit import record_audit
from haat.core.errors import Conflict, ValidationError
from haat.core.events import record_event
from haat.customers.models import Customer
from haat.inventory.holds import convert_holds, reassign_holds, release_holds
from haat.inventory.models import StockHold, StockMovement
from haat.inventory.services import adjust_stock
from haat.orders import state
from haat.orders.models import Order, OrderLine

HOLD_OWNER = "order"
# A hold this close to its expiry may be released by the periodic sweep before the order
# commits; refuse rather than confirm an order whose stock went back on sale.
EXPIRY_MARGIN = timedelta(seconds=60)
NOTE_MAX = 500


@dataclass(frozen=True)
class LineInput:
    variant_id: int
    sku: str
    product_title: str
    option_values: dict[str, Any]
    quantity: int
    unit_amount: int


def create_order(
    *,
    customer: Customer,
    currency: str,
    email: str,
    phone: str,
    name: str,
    shipping_address: dict[str, str],
    billing_address: dict[str, str],
    lines: list[LineInput],
    payment_type: str,
    status: str,
    holds: list[StockHold],
    shipping_amount: int = 0,
    take_over: bool = True,
) -> Order:
    """Write the order and its lines and take over `holds` (placed by checkout).

    `status` confirmed (COD) turns the holds into sales now; pending_payment moves them to
    the order (owner `order`, id = order pk) until payment converts or releases them.
    `take_over=False` leaves that to the caller, who must call `take_over_holds` last in
    the same transaction (converting locks the stock rows until COMMIT, so the later it
    happens the shorter a flash sale's hottest row is locked).
    """
    if status not in state.INITIAL_STATUSES:
        raise ValidationError(f"An order cannot start as {status}.", details={"field": "status"})
    if not lines:
        raise ValidationError("An order needs at least one line.", details={"field": "lines"})
    now = timezone.now()
    if holds and min(h.expires_at for h in holds) - EXPIRY_MARGIN <= now:
        raise Conflict("The stock held for this checkout has expired.", code="hold_expired")
    subtotal = sum(line.unit_amount * line.quantity for line in lines)
    with transaction.atomic(savepoint=False):
        order = Order.objects.create(
            token=secrets.token_urlsafe(16),
            customer=customer,
            currency_id=currency,
            status=status,
            payment_type=payment_type,
            email=email,
            phone=phone,
            name=name,
            shipping_address=shipping_address,
            billing_address=billing_address,
            subtotal_amount=subtotal,
            shipping_amount=shipping_amount,
            total_amount=subtotal + shipping_amount,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                variant_id=line.variant_id,
                sku=line.sku,
                product_title=line.product_title[:200],
                option_values=line.option_values,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                line_amount=line.unit_amount * line.quantity,
            )
            for line in lines
        )
        payload = event_payload(order, lines)
        record_event("order.created", aggregate=order, payload=payload)
        if status == Order.Status.CONFIRMED:
            record_event("order.confirmed", aggregate=order, payload=payload)
        if take_over:
            take_over_holds(order=order, holds=holds)
    return order


def take_over_holds(*, order: Order, holds: list[StockHold]) -> None:
    """The order takes the checkout's holds: sold now (confirmed) or kept for the order
    (pending payment). Raises Conflict `hold_expired` when any of them lapsed meanwhile."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_over_holds() must run in the order's transaction")
    owners = {(h.owner_type, h.owner_id) for h in holds}
    for owner_type, owner_id in owners:
        if order.status == Order.Status.CONFIRMED:
            convert_holds(
                owner_type=owner_type,
                owner_id=owner_id,
                reference=order.number,
                holds=[h for h in holds if (h.owner_type, h.owner_id) == (owner_type, owner_id)],
            )
            continue
        moved = reassign_holds(
            from_owner_type=owner_type,
            from_owner_id=owner_id,
            to_owner_type=HOLD_OWNER,
            to_owner_id=str(order.pk),
        )
        if moved != sum(1 for h in holds if (h.owner_type, h.owner_id) == (owner_type, owner_id)):
            raise Conflict("The stock held for this checkout has expired.", code="hold_expired")


def event_payload(order: Order, lines: list[LineInput]) -> dict[str, Any]:
    return {
        "number": order.number,
        "token": order.token,
        "status": order.status,
        "payment_type": order.payment_type,
        "currency": order.currency_id,
        "total_amount": order.total_amount,
        "customer_id": order.customer_id,
        "email": order.email,
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in lines],
    }


def cancel_order(*, order: Order, note: str = "") -> Order:
    """Cancel an order: held stock goes back at once; units already sold to a confirmed
    (not yet shipped) order are put back with an `adjustment` movement per location."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            f"Note must be at most {NOTE_MAX} characters.", details={"field": "note"}
        )
    with transaction.atomic():
        before = Order.objects.select_for_update().only("status").get(pk=order.pk).status
        state.transition(order, Order.Status.CANCELLED, note=note)
        if before == Order.Status.PENDING_PAYMENT:
            release_holds(owner_type=HOLD_OWNER, owner_id=str(order.pk), reason="order cancelled")
        elif before == Order.Status.CONFIRMED:
            _restock_sold_units(order, note)
        record_event(
            "order.cancelled",
            aggregate=order,
            payload={"number": order.number, "from": before, "note": note},
        )
        record_audit(
            action="order.cancel",
            obj=order,
            changes={"status": [before, order.status], "note": note},
        )
    return order


def _restock_sold_units(order: Order, note: str) -> None:
    sold = (
        StockMovement.objects.filter(reference=order.number, reason=StockMovement.Reason.SALE)
        .values_list("variant_id", "location_id", "quantity")
        .order_by("variant_id", "location_id")
    )
    text = f"Order {order.number} cancelled" + (f": {note}" if note else "")
    for variant_id, location_id, quantity in sold:
        adjust_stock(
            variant_id=variant_id,
            location_id=location_id,
            quantity=-quantity,
            reason=StockMovement.Reason.ADJUSTMENT,
            note=text[:500],
        )
