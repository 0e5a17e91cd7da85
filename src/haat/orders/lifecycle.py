"""The order lifecycle: the only code that changes an order after it was placed.

Every move of an order (allowed by `state.TRANSITIONS`, the one table of transitions), its
deadlines and customer-readable reason, its lines' availability and removal, its money
summary and the stock effects of each move are decided and written here. Other contexts
report facts and orders decides:

- payments, under the order lock it takes with `lock()`: `money_changed` (ledger totals;
  orders derives `payment_status`), `payment_captured` (which answers what payments must
  do: nothing, or refund money the order cannot take; a late payment may revive a
  cancelled order when the store allows it), `payment_failed`, `reopen_for_payment`
  (a retry);
- staff and the reserve & pay flow: `cancel`, `availability_answered`;
- the periodic sweep: `expire_overdue` (`orders.tasks`).

Creating an order is `services.create_order`; the facts `order.placed` and
`order.confirmed` are recorded by `record_order_events` whichever path confirms the order
(at once for cash on delivery, on payment otherwise). Fulfilment, returns and sourcing add
their transitions here.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haat.core.audit import record_audit
from haat.core.context import Actor, current_actor
from haat.core.error_codes import CoreError
from haat.core.errors import Conflict, DomainError, NotFound, ValidationError
from haat.core.money import formatted
from haat.core.outbox import emit, emit_all
from haat.core.staff_notes import clean_note
from haat.inventory.backorders import Backordered, release_backorders
from haat.inventory.error_codes import InventoryError
from haat.inventory.holds import (
    HoldRequest,
    OutOfStock,
    convert_holds,
    hold_minutes,
    place_holds,
    release_holds,
)
from haat.inventory.ledger import Change
from haat.inventory.models import StockHold, StockMovement
from haat.inventory.selectors import movements_for_reference
from haat.inventory.services import subscribe_back_in_stock, write_changes
from haat.orders import callbacks, state
from haat.orders.error_codes import OrderError
from haat.orders.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderLinesRemoved,
    OrderPaidWhileClosed,
    OrderPlaced,
    OrderReservationExpired,
    OrderRevived,
    OrderStatusChanged,
    OrderStockShort,
    OrderSummary,
)
from haat.orders.models import Order, OrderLine, OrderTransition

logger = logging.getLogger(__name__)

HOLD_OWNER = "order"  # stock holds of an order: owner ("order", str(order.pk))
NOT_PAID_IN_TIME = "Payment not completed in time"
EXPIRED_NOTE = "Expired"  # the history note of a cancellation by `expire_order`
NOT_CONFIRMED_IN_TIME = "We could not confirm your items in time, so the reservation was cancelled."
NOTHING_AVAILABLE = (
    "Sorry, none of the items could be sourced, so the order was cancelled. "
    "We will e-mail you when they are back in stock."
)
S = Order.Status
PS = Order.PaymentStatus
A = OrderLine.Availability


def _in_transaction(caller: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"lifecycle.{caller}() must run in the caller's transaction")


def _transition(order: Order, to: str, *, note: str = "") -> Order:
    """Move `order` to `to` under a row lock if `state.TRANSITIONS` allows it; records the
    history row (who, when, from, to, note).

    Runs inside the caller's transaction (the function doing the side effects of the
    move, e.g. releasing holds), so the status and its effects commit together.
    """
    _in_transaction("_transition")
    actor = current_actor()
    current = Order.objects.select_for_update().only("status").get(pk=order.pk).status
    if not state.can_transition(current, to):
        allowed = state.allowed(current)
        then = ", ".join(str(S(a).label).lower() for a in allowed) or "nothing: it is final"
        raise Conflict(
            f"Order {order.number} is {S(current).label.lower()}; it cannot become "
            f"{S(to).label.lower()}. It can become: {then}.",
            code=OrderError.ILLEGAL_TRANSITION,
            details={"from": current, "to": to, "allowed": allowed},
        )
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(status=to, updated_at=now)
    OrderTransition.objects.create(
        order=order, from_status=current, to_status=to, note=note, **_who(actor)
    )
    order.status = to
    order.updated_at = now
    return order


def _who(actor: Actor) -> dict:
    user = actor.user if getattr(actor.user, "pk", None) else None
    return {"actor": user, "actor_label": actor.label[:255]}


def lock(order_id: int) -> Order:
    """The order, its row locked until the caller's transaction ends: every fact about one
    order (a webhook, a refund, cash collected) is applied one at a time."""
    return Order.objects.select_for_update().get(pk=order_id)


# --- facts about the order ------------------------------------------------------------------
class EventLine(Protocol):
    variant_id: int | None
    sku: str
    quantity: int
    unit_amount: int


def record_order_events(order: Order, lines: Iterable[EventLine], *, placed: bool) -> None:
    """The one emitter of `order.placed` (when `placed`) and `order.confirmed` (when the
    order is confirmed: at checkout for cash on delivery, on payment otherwise), with one
    payload, in one INSERT."""
    summary = {
        "number": order.number,
        "token": order.token,
        "status": order.status,
        "payment_type": order.payment_type,
        "currency": order.currency_id,
        "total_amount": order.total_amount,
        "customer_id": order.customer_id,
        "email": order.email,
        "lines": [
            {
                "variant_id": line.variant_id,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_amount": line.unit_amount,
            }
            for line in lines
        ],
    }
    events: list[OrderSummary] = [OrderPlaced(**summary)] if placed else []
    if order.status == S.CONFIRMED:
        events.append(OrderConfirmed(**summary))
    emit_all((event, order) for event in events)


def _set_deadline(order: Order, *, pay_by: datetime | None, cancel_reason: str) -> None:
    """The payment deadline and the customer-readable reason (a failure says why, a retry
    clears it)."""
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(
        pay_by=pay_by, cancel_reason=cancel_reason[:300], updated_at=now
    )
    order.pay_by, order.cancel_reason, order.updated_at = pay_by, cancel_reason[:300], now


# --- fulfilment: staff moves and what the shipments report ----------------------------------
def _moved(order: Order, before: str, note: str) -> None:
    emit(
        OrderStatusChanged(
            number=order.number,
            token=order.token,
            from_status=before,
            to_status=order.status,
            note=note,
        ),
        aggregate=order,
    )
    record_audit(
        action="order.status",
        obj=order,
        changes={"status": [before, order.status], "note": note},
    )


def advance(*, order: Order, to: str, note: str = "") -> Order:
    """A staff move through the warehouse (processing, packed); the shipping statuses
    follow the shipments instead (`shipments_changed`)."""
    note = clean_note(note)
    if to not in state.STAFF_MOVES:
        raise ValidationError(
            f"Staff can mark an order processing or packed; '{to}' follows its shipments.",
            details={"field": "status", "allowed": sorted(state.STAFF_MOVES)},
        )
    with transaction.atomic():
        locked = lock(order.pk)
        before = locked.status
        _transition(locked, to, note=note)
        _moved(locked, before, note)
    order.status, order.updated_at = locked.status, locked.updated_at
    return order


def shipments_changed(*, order: Order, units: state.Units, note: str = "") -> Order:
    """The fulfilment context reports the units in the order's shipments (under the order
    lock it took with `lock()`); orders decides the status they call for. No move when
    the status already says so."""
    _in_transaction("shipments_changed")
    target = state.shipping_status(units)
    if target is None or target == order.status:
        return order
    before = order.status
    _transition(order, target, note=note)
    _moved(order, before, note)
    return order


# --- cancelling -----------------------------------------------------------------------------
def cancel(*, order: Order, note: str = "", reason: str = "") -> Order:
    """Cancel an order: held stock goes back at once; units already sold to a confirmed
    (not yet shipped) order are put back with a `cancellation` movement per location.
    `reason` is what the customer reads (stored as `cancel_reason`); `note` is for staff."""
    note = clean_note(note)
    reason = " ".join((reason or "").split())[:300]
    with transaction.atomic():
        before = Order.objects.select_for_update().only("status").get(pk=order.pk).status
        _transition(order, S.CANCELLED, note=note or reason)
        if reason:
            Order.objects.filter(pk=order.pk).update(cancel_reason=reason)
            order.cancel_reason = reason
        if before in (S.PENDING_PAYMENT, S.PENDING_CONFIRMATION):
            release_holds(owner_type=HOLD_OWNER, owner_id=str(order.pk), reason="order cancelled")
        elif before in state.BEFORE_SHIPPING:
            _restock_sold_units(order, note)
            callbacks.shipments_cancelled(order)
            release_backorders(
                owner_type=HOLD_OWNER, owner_id=str(order.pk), note=f"Order {order.number}"
            )
        emit(
            OrderCancelled(
                number=order.number,
                previous_status=before,
                reason=order.cancel_reason,
                note=note,
            ),
            aggregate=order,
        )
        record_audit(
            action="order.cancel",
            obj=order,
            changes={"status": [before, order.status], "note": note},
        )
    return order


def _restock_sold_units(order: Order, note: str) -> None:
    """Put back what the order sold: one `cancellation` per sale row, referencing the order
    (so `selectors.order_stock` finds it), all in one locked write. Units go back where
    they were sold from even if that variant or location has since been switched off."""
    sold = movements_for_reference(order.number, reason=StockMovement.Reason.SALE)
    if not sold:
        return
    text = (f"Order {order.number} cancelled" + (f": {note}" if note else ""))[:500]
    changes = [
        Change(
            s.variant_id,
            s.location_id,
            -s.quantity,
            reason=StockMovement.Reason.CANCELLATION,
            note=text,
            reference=order.number,
        )
        for s in sold
    ]
    write_changes(changes, action="stock.cancellation", audit_obj=order)


# --- money (reported by payments under the order lock) --------------------------------------
def money_changed(*, order: Order, paid: int, refunded: int, failures: int) -> Order:
    """Store the order's money summary from its ledger totals (captures and cash
    collected, refunds, failed attempts) and derive `payment_status` from them."""
    _in_transaction("money_changed")
    if refunded and refunded >= paid:
        status = PS.REFUNDED
    elif refunded and paid - refunded >= order.total_amount:
        status = PS.PAID  # paid twice, the extra payment refunded (`payment_captured`)
    elif refunded:
        status = PS.PARTIALLY_REFUNDED
    elif paid and paid >= order.total_amount:
        status = PS.PAID
    elif paid:
        status = PS.PARTIALLY_PAID
    elif failures:
        status = PS.FAILED
    else:
        status = PS.PENDING
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(
        amount_paid=paid, amount_refunded=refunded, payment_status=status, updated_at=now
    )
    order.amount_paid, order.amount_refunded, order.payment_status = paid, refunded, status
    order.updated_at = now
    return order


@dataclass(frozen=True)
class CaptureOutcome:
    """What a capture did to its order, for payments to act on: `waiting` (more is due),
    `confirmed` (paid), `revived` (a cancelled order paid late and confirmed again) or
    `refund` (the order cannot take the money: payments refunds it; `why` says so in
    the merchant's words, e.g. "arrived after the order was cancelled")."""

    outcome: Literal["waiting", "confirmed", "revived", "refund"]
    why: str = ""


def payment_captured(*, order: Order, amount: int = 0, revive: bool = False) -> CaptureOutcome:
    """Money was captured (the summary already updated by `money_changed`); `amount` is
    this capture, in minor units. Once all that is due online is paid: an order waiting
    for payment is confirmed and its stock sold; a failed order paid anyway (a second
    attempt) is revived when its stock can be held again. Money for an order that cannot
    take it is flagged (`order.paid_while_closed`) for payments to refund; with `revive`
    (the store's setting), an order cancelled for not being paid in time is confirmed
    again instead when every line's stock can still be taken."""
    _in_transaction("payment_captured")
    if order.status == S.CANCELLED:
        return _paid_while_cancelled(order, amount=amount, revive=revive)
    if order.amount_paid < order.amount_due_online:
        return CaptureOutcome("waiting")
    if order.status == S.PAYMENT_FAILED:
        try:
            _hold_again(order, until=timezone.now() + timedelta(minutes=hold_minutes()))
        except OutOfStock:
            return _flag_closed(order, "arrived after a failed attempt, when the stock was gone")
        _transition(order, S.PENDING_PAYMENT, note="Paid after a failed attempt")
    if order.status != S.PENDING_PAYMENT:
        return _flag_closed(order, "arrived after the order was already paid")
    _confirm_paid(order, note="Payment received")
    return CaptureOutcome("confirmed")


def _confirm_paid(order: Order, *, note: str) -> None:
    _transition(order, S.CONFIRMED, note=note)
    _set_deadline(order, pay_by=None, cancel_reason="")
    _sell_stock(order)
    record_order_events(order, order.lines.all(), placed=False)


def _flag_closed(order: Order, why: str) -> CaptureOutcome:
    emit(OrderPaidWhileClosed(number=order.number, status=order.status), aggregate=order)
    return CaptureOutcome("refund", why=why)


def _paid_while_cancelled(order: Order, *, amount: int, revive: bool) -> CaptureOutcome:
    """A payment for a cancelled order (typically a slow UPI payment after the deadline).
    Revived only when the store allows it, the order was cancelled for not being paid in
    time (never one staff cancelled), the money covers what is due online, and every
    line's stock can be held again; otherwise refunded."""
    late = "arrived after the order was cancelled"
    if not (revive and _expired_unpaid(order)):
        return _flag_closed(order, late)
    if order.amount_paid - order.amount_refunded < order.amount_due_online:
        return _flag_closed(order, late + "; it did not cover what was due")
    lines = list(order.lines.all())
    if any(line.variant_id is None for line in lines):
        return _flag_closed(order, late + "; an item is no longer sold")
    try:
        with transaction.atomic():  # all lines or none
            _hold_again(order, until=timezone.now() + timedelta(minutes=5))
    except OutOfStock:
        return _flag_closed(order, late + "; its stock had sold out meanwhile")
    paid = formatted(amount or order.amount_paid, order.currency_id, settings.HAAT_LOCALE)
    _confirm_paid(
        order,
        note=f"Payment of {paid} arrived after the order was cancelled; revived because "
        "every item was still in stock",
    )
    emit(
        OrderRevived(
            number=order.number,
            token=order.token,
            email=order.email,
            amount=amount or order.amount_paid,
            currency=order.currency_id,
        ),
        aggregate=order,
    )
    record_audit(action="order.revived", obj=order, changes={"status": [S.CANCELLED, order.status]})
    return CaptureOutcome("revived")


def _expired_unpaid(order: Order) -> bool:
    """Cancelled by `expire_order` while waiting for payment (not by staff)."""
    last = order.transitions.filter(to_status=S.CANCELLED).order_by("-id").first()
    return (
        last is not None
        and last.note == EXPIRED_NOTE
        and last.from_status in (S.PENDING_PAYMENT, S.PAYMENT_FAILED)
    )


def payment_failed(*, order: Order, reason: str) -> None:
    """The order's checkout payment failed: payment_failed with the reason (what the
    customer reads), its stock given back (`reopen_for_payment` holds it again)."""
    _in_transaction("payment_failed")
    if order.status != S.PENDING_PAYMENT:
        return
    text = (reason or "The payment did not go through.")[:300]
    _transition(order, S.PAYMENT_FAILED, note=text)
    _set_deadline(order, pay_by=order.pay_by, cancel_reason=text)
    release_holds(owner_type=HOLD_OWNER, owner_id=str(order.pk), reason="payment failed")


def reopen_for_payment(*, order: Order) -> Order:
    """The customer wants to pay (again): a failed order gets its stock held again and a
    new deadline; an order still waiting stays as it is. Returns the order as it now is.
    Conflict (`out_of_stock`, `not_payable`, `payment_expired`) when it cannot be paid."""
    with transaction.atomic():
        locked = lock(order.pk)
        now = timezone.now()
        if locked.status == S.PAYMENT_FAILED:
            until = now + timedelta(minutes=hold_minutes())
            try:
                _hold_again(locked, until=until)
            except OutOfStock as exc:
                raise Conflict(
                    "Some items sold out since the payment failed: " + exc.message,
                    code=InventoryError.OUT_OF_STOCK,
                    details=exc.details,
                ) from None
            _transition(locked, S.PENDING_PAYMENT, note="Payment retried")
            _set_deadline(locked, pay_by=until, cancel_reason="")
        elif locked.status != S.PENDING_PAYMENT:
            raise Conflict(
                f"Order {locked.number} is {locked.get_status_display().lower()}; "
                "there is nothing to pay.",
                code=OrderError.NOT_PAYABLE,
                details={"status": locked.status},
            )
        elif locked.pay_by and locked.pay_by <= now:
            raise Conflict(
                "The time to pay for this order has run out.",
                code=OrderError.PAYMENT_EXPIRED,
                details={"pay_by": locked.pay_by.isoformat()},
            )
    return locked


# --- stock of an order waiting for payment --------------------------------------------------
def _held(order: Order) -> dict[int, int]:
    held: dict[int, int] = defaultdict(int)
    rows = StockHold.objects.filter(
        owner_type=HOLD_OWNER, owner_id=str(order.pk), status=StockHold.Status.ACTIVE
    ).values_list("variant_id", "quantity")
    for variant_id, quantity in rows:
        held[variant_id] += quantity
    return held


def _missing(order: Order) -> list[HoldRequest]:
    """Lines whose stock is not (or no longer) held by the order."""
    held = _held(order)
    wanted: dict[int, int] = defaultdict(int)
    for variant_id, quantity in order.lines.values_list("variant_id", "quantity"):
        if variant_id is not None:
            wanted[variant_id] += quantity
    return [
        HoldRequest(variant_id, quantity - held.get(variant_id, 0))
        for variant_id, quantity in sorted(wanted.items())
        if quantity > held.get(variant_id, 0)
    ]


def _hold_again(order: Order, *, until: datetime) -> None:
    """Hold the order's missing stock (OutOfStock names what cannot be held)."""
    missing = _missing(order)
    if missing:
        place_holds(
            requests=missing, owner_type=HOLD_OWNER, owner_id=str(order.pk), expires_at=until
        )


def _sell_stock(order: Order) -> None:
    """Turn the order's holds into sales; holds that lapsed (a payment that arrived after
    the hold expired) are placed again first, and a shortfall is flagged for staff."""
    try:
        with transaction.atomic():
            _hold_again(order, until=timezone.now() + timedelta(minutes=5))
    except OutOfStock as exc:
        emit(
            OrderStockShort(number=order.number, lines=exc.details.get("lines", [])),
            aggregate=order,
        )
    convert_holds(owner_type=HOLD_OWNER, owner_id=str(order.pk), reference=order.number)


# --- reserve & pay: staff answer each line --------------------------------------------------
@dataclass(frozen=True)
class NewAmounts:
    """An order's amounts after lines were removed (computed by payments' rules)."""

    subtotal: int
    cod_fee: int
    express: int
    due_online: int
    due_on_delivery: int
    shipping: int = 0
    tax_added: int = 0  # GST the kept lines add to their prices (prices excluding tax)

    @property
    def total(self) -> int:
        return self.subtotal + self.tax_added + self.shipping + self.cod_fee + self.express


Repricer = Callable[[Order, list[OrderLine]], NewAmounts]


@dataclass(frozen=True)
class AvailabilityOutcome:
    order: Order
    outcome: Literal["waiting", "cancelled", "payment_requested"]


def availability_answered(
    *, order: Order, line_id: int, available: bool, reprice: Repricer, pay_by: datetime
) -> AvailabilityOutcome:
    """Staff's answer for one line of an order awaiting confirmation. The last answer
    settles the order:

    - every line unavailable → cancelled, its stock released;
    - some unavailable → those lines are removed (their stock released) and the amounts
      become `reprice(order, kept lines)`;
    - the customer's e-mail is subscribed to back-in-stock notices for each unavailable line;
    - otherwise → pending_payment, the kept lines' stock held until `pay_by`, the deadline.
    """
    with transaction.atomic():
        locked = lock(order.pk)
        _record_availability(locked, line_id=line_id, available=available)
        lines = list(locked.lines.select_related("variant__product").order_by("id"))
        if any(not line.availability for line in lines):
            return AvailabilityOutcome(locked, "waiting")
        gone = [line for line in lines if line.availability == A.UNAVAILABLE]
        _subscribe(locked, gone)
        if len(gone) == len(lines):
            cancel(order=locked, reason=NOTHING_AVAILABLE, note="No line could be sourced")
            return AvailabilityOutcome(locked, "cancelled")
        kept = [line for line in lines if line.availability == A.AVAILABLE]
        if gone:
            _remove_lines(locked, gone, reprice(locked, kept), kept)
        # Hold only what is kept, until the payment deadline.
        release_holds(owner_type=HOLD_OWNER, owner_id=str(locked.pk), reason="availability")
        place_holds(
            requests=[HoldRequest(line.variant_id, line.quantity) for line in kept],
            owner_type=HOLD_OWNER,
            owner_id=str(locked.pk),
            expires_at=pay_by,
        )
        _transition(locked, S.PENDING_PAYMENT, note="Availability confirmed")
        _set_deadline(locked, pay_by=pay_by, cancel_reason="")
    return AvailabilityOutcome(locked, "payment_requested")


def _record_availability(order: Order, *, line_id: int, available: bool) -> None:
    if order.status != S.PENDING_CONFIRMATION:
        raise Conflict(
            f"Order {order.number} is {order.get_status_display().lower()}; availability "
            "is confirmed only while it awaits confirmation.",
            code=OrderError.NOT_AWAITING_CONFIRMATION,
            details={"status": order.status},
        )
    line = OrderLine.objects.filter(order_id=order.pk, pk=line_id).first()
    if line is None:
        raise NotFound(
            f"Line {line_id} is not part of order {order.number}.",
            code=CoreError.LINE_NOT_FOUND,
            details={"field": "line_id"},
        )
    before = line.availability
    line.availability = A.AVAILABLE if available else A.UNAVAILABLE
    line.availability_checked_at = timezone.now()
    line.save(update_fields=["availability", "availability_checked_at"])
    record_audit(
        action="order.line_availability",
        obj=order,
        changes={"line": line.pk, "sku": line.sku, "availability": [before, line.availability]},
    )


def _subscribe(order: Order, lines: list[OrderLine]) -> None:
    for line in lines:
        if line.variant_id is None:
            continue
        try:
            subscribe_back_in_stock(variant_id=line.variant_id, email=order.email)
        except DomainError as exc:  # a variant retired meanwhile: nothing to wait for
            logger.info("No back-in-stock subscription for %s: %s", line.sku, exc.message)


def _remove_lines(
    order: Order, lines: list[OrderLine], amounts: NewAmounts, kept: list[OrderLine]
) -> None:
    """Drop lines that cannot be sourced and store the recomputed amounts; the order's
    GST becomes the kept lines' (each line keeps the tax it was charged at checkout)."""
    tax = sum(line.tax_amount for line in kept)
    if amounts.tax_added != (0 if order.prices_include_tax else tax):
        raise ValidationError(
            "The new amounts do not carry the kept lines' GST.", details={"field": "tax"}
        )
    removed = [{"sku": line.sku, "quantity": line.quantity} for line in lines]
    OrderLine.objects.filter(order_id=order.pk, pk__in=[line.pk for line in lines]).delete()
    fields = {
        "subtotal_amount": amounts.subtotal,
        "cod_fee_amount": amounts.cod_fee,
        "express_amount": amounts.express,
        "total_amount": amounts.total,
        "tax_amount": tax,
        "tax_added_amount": amounts.tax_added,
        "amount_due_online": amounts.due_online,
        "amount_due_on_delivery": amounts.due_on_delivery,
        "updated_at": timezone.now(),
    }
    Order.objects.filter(pk=order.pk).update(**fields)
    for name, value in fields.items():
        setattr(order, name, value)
    emit(
        OrderLinesRemoved(number=order.number, lines=removed, total_amount=amounts.total),
        aggregate=order,
    )
    record_audit(action="order.lines_removed", obj=order, changes={"lines": removed})


# --- deadlines ------------------------------------------------------------------------------
def overdue(now: datetime) -> Q:
    return Q(status=S.PENDING_CONFIRMATION, confirm_by__lte=now) | Q(
        status__in=[S.PENDING_PAYMENT, S.PAYMENT_FAILED], pay_by__lte=now
    )


def expire_overdue(*, now: datetime | None = None, limit: int = 200) -> int:
    """Cancel orders whose deadline passed (each in its own transaction); returns how many:
    pending_payment / payment_failed past `pay_by` ("Payment not completed in time"),
    reserve & pay orders past `confirm_by` (`order.reservation_expired`)."""
    now = now or timezone.now()
    ids = list(Order.objects.filter(overdue(now)).order_by("id").values_list("pk", flat=True))
    done = 0
    for pk in ids[:limit]:
        done += expire_order(order_id=pk, now=now)
    return done


def expire_order(*, order_id: int, now: datetime) -> bool:
    """Cancel one overdue order and close what waits to be paid for it
    (`callbacks.order_expired`); False when it was paid or cancelled meanwhile."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(overdue(now), pk=order_id).first()
        if order is None:
            return False
        was = order.status
        if was == S.PENDING_CONFIRMATION:
            reason = NOT_CONFIRMED_IN_TIME
        elif was == S.PAYMENT_FAILED:
            reason = order.cancel_reason or NOT_PAID_IN_TIME
        else:
            reason = NOT_PAID_IN_TIME
        cancel(order=order, reason=reason, note=EXPIRED_NOTE)
        callbacks.order_expired(order)
        if order.payment_type == Order.PaymentType.RESERVE_AND_PAY:
            emit(
                OrderReservationExpired(
                    number=order.number,
                    token=order.token,
                    email=order.email,
                    previous_status=was,
                    reason=reason,
                ),
                aggregate=order,
            )
    return True


# --- units taken beyond stock ---------------------------------------------------------------
L = TypeVar("L", bound=Any)


def record_backorders(*, order: Order, backorders: list[Backordered], lines: list[L]) -> list[L]:
    """Write on the order's lines the units taken beyond stock and the date promised
    (the last lines of a variant first: the shelf's units went to the first). Only
    orders with backorders pay for this (a read and one UPDATE per such line)."""
    left = {b.variant_id: b.quantity for b in backorders}
    promised = {b.variant_id: b.ships_on for b in backorders}
    rows = OrderLine.objects.filter(order=order, variant_id__in=list(left)).order_by("-id")
    for line_id, variant_id, quantity in rows.values_list("id", "variant_id", "quantity"):
        units = min(quantity, left[variant_id])
        left[variant_id] -= units
        if units:
            OrderLine.objects.filter(pk=line_id).update(
                backordered=units, ships_on=promised[variant_id]
            )
    left = {b.variant_id: b.quantity for b in backorders}
    out = []
    for line in reversed(lines):
        units = min(line.quantity, left.get(line.variant_id, 0))
        if units:
            left[line.variant_id] -= units
            line = replace(line, backordered=units, ships_on=promised[line.variant_id])
        out.append(line)
    return out[::-1]
