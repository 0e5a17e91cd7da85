"""Order writes: creating an order from held stock, and cancelling one.

`create_order` runs inside checkout's second transaction: the stock is already held (the
first, short transaction), so this only writes rows and turns the holds into sales (COD)
or hands them to the order (orders that wait for payment).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from haat.core.audit import record_audit
from haat.core.errors import Conflict, ValidationError
from haat.core.events import record_event
from haat.customers.models import Customer
from haat.inventory.holds import convert_holds, reassign_holds, release_holds
from haat.inventory.models import StockHold, StockMovement
from haat.inventory.selectors import movements_for_reference
from haat.inventory.services import adjust_stock
from haat.orders import state
from haat.orders.models import Order, OrderLine

HOLD_OWNER = "order"
# A hold this close to its expiry may be released by the periodic sweep before the order
# commits; refuse rather than confirm an order whose stock went back on sale.
EXPIRY_MARGIN = timedelta(seconds=60)
NOTE_MAX = 500


@dataclass(frozen=True)
class PaymentTerms:
    """How the order's total is paid, from `payments.options.payment_options` (checkout).

    `amount_due_online` / `amount_due_on_delivery` None: the natural split (everything
    on delivery for COD, online otherwise), for callers that predate payment types."""

    cod_fee_amount: int = 0
    express_amount: int = 0
    amount_due_online: int | None = None
    amount_due_on_delivery: int | None = None
    express_sourcing: bool = False
    sourcing_due_at: datetime | None = None
    confirm_by: datetime | None = None  # reserve & pay: staff answer by then
    pay_by: datetime | None = None  # waiting for payment: paid by then or cancelled


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
    terms: PaymentTerms | None = None,
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
    terms = terms or PaymentTerms()
    total = subtotal + shipping_amount + terms.cod_fee_amount + terms.express_amount
    split = _split(total, payment_type, terms)
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
            cod_fee_amount=terms.cod_fee_amount,
            express_amount=terms.express_amount,
            total_amount=total,
            amount_due_online=split[0],
            amount_due_on_delivery=split[1],
            express_sourcing=terms.express_sourcing,
            sourcing_due_at=terms.sourcing_due_at,
            confirm_by=terms.confirm_by,
            pay_by=terms.pay_by,
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


def _split(total: int, payment_type: str, terms: PaymentTerms) -> tuple[int, int]:
    online, later = terms.amount_due_online, terms.amount_due_on_delivery
    if online is None and later is None:
        return (0, total) if payment_type == Order.PaymentType.COD else (total, 0)
    online, later = online or 0, later or 0
    if online < 0 or later < 0 or online + later != total:
        raise ValidationError(
            f"The amounts due online ({online}) and on delivery ({later}) must add up to "
            f"the total ({total}).",
            details={"field": "amount_due_online"},
        )
    return online, later


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


def cancel_order(*, order: Order, note: str = "", reason: str = "") -> Order:
    """Cancel an order: held stock goes back at once; units already sold to a confirmed
    (not yet shipped) order are put back with an `adjustment` movement per location.
    `reason` is what the customer reads (stored as `cancel_reason`); `note` is for staff."""
    note = (note or "").strip()
    reason = " ".join((reason or "").split())[:300]
    if len(note) > NOTE_MAX:
        raise ValidationError(
            f"Note must be at most {NOTE_MAX} characters.", details={"field": "note"}
        )
    with transaction.atomic():
        before = Order.objects.select_for_update().only("status").get(pk=order.pk).status
        state.transition(order, Order.Status.CANCELLED, note=note or reason)
        if reason:
            Order.objects.filter(pk=order.pk).update(cancel_reason=reason)
            order.cancel_reason = reason
        if before in (Order.Status.PENDING_PAYMENT, Order.Status.PENDING_CONFIRMATION):
            release_holds(owner_type=HOLD_OWNER, owner_id=str(order.pk), reason="order cancelled")
        elif before == Order.Status.CONFIRMED:
            _restock_sold_units(order, note)
        record_event(
            "order.cancelled",
            aggregate=order,
            payload={
                "number": order.number,
                "from": before,
                "note": note,
                "reason": order.cancel_reason,
            },
        )
        record_audit(
            action="order.cancel",
            obj=order,
            changes={"status": [before, order.status], "note": note},
        )
    return order


def _restock_sold_units(order: Order, note: str) -> None:
    """Put back what the order sold: one `adjustment` per sale row, referencing the order
    (so `selectors.order_stock` finds it), in (variant, location) lock order."""
    sold = movements_for_reference(order.number, reason=StockMovement.Reason.SALE)
    text = f"Order {order.number} cancelled" + (f": {note}" if note else "")
    for sale in sorted(sold, key=lambda m: (m.variant_id, m.location_id)):
        adjust_stock(
            variant_id=sale.variant_id,
            location_id=sale.location_id,
            quantity=-sale.quantity,
            reason=StockMovement.Reason.ADJUSTMENT,
            note=text[:500],
            reference=order.number,
        )


def set_payment_deadline(order: Order, *, pay_by: datetime | None, cancel_reason: str) -> None:
    """The order's payment deadline and customer-readable reason (payments flows, in
    their transaction: a failure says why, a retry clears it)."""
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(
        pay_by=pay_by, cancel_reason=cancel_reason[:300], updated_at=now
    )
    order.pay_by, order.cancel_reason, order.updated_at = pay_by, cancel_reason[:300], now
