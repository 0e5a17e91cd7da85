"""What a captured or failed online payment does to the order (minimal, correct).

Called by `services.apply_gateway_update` inside its transaction with the order row
locked. The flows engineer may extend these (reserve & pay, retries); the contract is:
capture of the whole online amount confirms a pending order and turns its held stock into
sales; a failure moves it to payment_failed with a readable reason and gives the stock back.
"""

from __future__ import annotations

from haat.core.events import record_event
from haat.inventory.holds import convert_holds, release_holds
from haat.orders import state
from haat.orders.models import Order

HOLD_OWNER = "order"


def on_payment_captured(order: Order) -> None:
    """Confirm a pending order and sell its held stock. Money taken for an order that is
    no longer waiting (failed or cancelled meanwhile) is flagged for staff to refund."""
    if order.status == Order.Status.PENDING_PAYMENT:
        state.transition(order, Order.Status.CONFIRMED, note="Payment received")
        convert_holds(owner_type=HOLD_OWNER, owner_id=str(order.pk), reference=order.number)
        record_event(
            "order.confirmed",
            aggregate=order,
            payload={"number": order.number, "payment_type": order.payment_type},
        )
    elif order.status in (Order.Status.PAYMENT_FAILED, Order.Status.CANCELLED):
        record_event(
            "payment.captured_for_closed_order",
            aggregate=order,
            payload={"number": order.number, "status": order.status},
        )


def on_payment_failed(order: Order, reason: str) -> None:
    """A pending order whose payment failed: payment_failed, stock released."""
    if order.status != Order.Status.PENDING_PAYMENT:
        return
    text = (reason or "The payment did not go through.")[:300]
    state.transition(order, Order.Status.PAYMENT_FAILED, note=text)
    Order.objects.filter(pk=order.pk).update(cancel_reason=text)
    order.cancel_reason = text
    release_holds(owner_type=HOLD_OWNER, owner_id=str(order.pk), reason="payment failed")
