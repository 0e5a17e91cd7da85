"""Online payments: starting one, and applying what gateways report.

`apply_gateway_update` is the single entry for gateway facts (webhooks, checkout
callbacks, the test gateway's page). It is idempotent (the ledger's UNIQUE
(gateway, kind, reference) means a replay finds its row and does nothing) and order-safe
(payment statuses only move up: created < pending < failed/expired < authorized <
captured, so a late `authorized` or `failed` after a capture changes nothing). It runs
with the order row locked (`orders.lifecycle.lock`), so concurrent deliveries for one
order serialise. What a capture or a failure does to the order is decided by
`orders.lifecycle` (`payment_captured`, `payment_failed`); the ledger's totals reach the
order through `ledger.refresh_payment_status`. Money the order cannot take (a payment
arriving after the order was cancelled) is refunded automatically (`late`).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from haat.core.errors import Conflict, DomainError, NotFound, ValidationError
from haat.core.outbox import emit
from haat.gateways.types import GatewayCheckout, GatewayUpdate, UpdateKind
from haat.orders import lifecycle
from haat.orders.error_codes import OrderError
from haat.orders.models import Order
from haat.payments import late, tasks
from haat.payments.config import gateway_for_currency, get_settings
from haat.payments.error_codes import PaymentError
from haat.payments.events import Amount, PaymentCaptured, PaymentFailed, PaymentMismatch
from haat.payments.ledger import record_transaction, refresh_payment_status
from haat.payments.models import Payment, PaymentTransaction
from haat.payments.refunds import apply_refund_update

Kind = PaymentTransaction.Kind
_RANK = {
    Payment.Status.CREATED: 0,
    Payment.Status.PENDING: 1,
    Payment.Status.CANCELLED: 2,
    Payment.Status.EXPIRED: 2,
    Payment.Status.FAILED: 2,
    Payment.Status.AUTHORIZED: 3,
    Payment.Status.CAPTURED: 4,
}


class UnknownPayment(NotFound):
    """A gateway update for no Payment Haat created (webhook handlers store and ignore)."""

    code = PaymentError.UNKNOWN_PAYMENT


# --- starting a payment ---------------------------------------------------------------------
def start_online_payment(
    *, order: Order, purpose: str, return_url: str
) -> tuple[Payment, GatewayCheckout]:
    """Create a Payment for what the order still owes online and open it at the gateway
    serving the order's currency. The gateway is called outside the row lock."""
    if purpose not in Payment.Purpose.values:
        raise ValidationError(
            f"purpose must be one of {', '.join(Payment.Purpose.values)}.",
            details={"field": "purpose"},
        )
    if not (return_url or "").startswith(("https://", "http://", "/")) or len(return_url) > 500:
        raise ValidationError(
            "return_url must be an http(s) URL or a path.", details={"field": "return_url"}
        )
    gateway = gateway_for_currency(order.currency_id)
    with transaction.atomic():
        locked = lifecycle.lock(order.pk)
        if locked.status != Order.Status.PENDING_PAYMENT:
            raise Conflict(
                f"Order {locked.number} is {locked.status}; it is not waiting for payment.",
                code=OrderError.NOT_PAYABLE,
                details={"status": locked.status},
            )
        due = locked.amount_due_online - locked.amount_paid
        if due <= 0:
            raise Conflict(
                f"Nothing is due online for {locked.number}.", code=PaymentError.NOTHING_DUE
            )
        payment = Payment.objects.create(
            order=locked,
            gateway=gateway.code,
            purpose=purpose,
            amount=due,
            currency=locked.currency_id,
        )
    try:
        checkout = gateway.create_checkout(payment=payment, order=locked, return_url=return_url)
    except DomainError as exc:
        Payment.objects.filter(pk=payment.pk).update(
            status=Payment.Status.FAILED, failure_reason=exc.message[:300]
        )
        raise
    payment.gateway_order_id = checkout.gateway_order_id
    payment.url = checkout.redirect_url[:500]
    payment.status = Payment.Status.PENDING
    payment.save(update_fields=["gateway_order_id", "url", "status", "updated_at"])
    return payment, checkout


# --- applying gateway facts -----------------------------------------------------------------
def _find_payment(update: GatewayUpdate) -> tuple[int, int]:
    qs = Payment.objects.filter(gateway=update.gateway)
    row = (
        qs.filter(gateway_order_id=update.gateway_order_id).values_list("pk", "order_id").first()
        if update.gateway_order_id
        else None
    )
    if row is None and update.gateway_payment_id:
        row = (
            qs.filter(gateway_payment_id=update.gateway_payment_id)
            .values_list("pk", "order_id")
            .first()
        )
    if row is None:
        raise UnknownPayment(
            f"No {update.gateway} payment '{update.gateway_order_id}'.",
            details={"gateway": update.gateway, "gateway_order_id": update.gateway_order_id},
        )
    return row


def apply_gateway_update(update: GatewayUpdate) -> None:
    """Apply one gateway fact to its payment and order; see the module docstring."""
    payment_id, order_id = _find_payment(update)
    with transaction.atomic():
        order = lifecycle.lock(order_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if update.kind in (UpdateKind.AUTHORIZED, UpdateKind.CAPTURED, UpdateKind.LINK_PAID):
            if _mismatch(order, payment, update):
                return
            if update.kind == UpdateKind.AUTHORIZED:
                _authorized(order, payment, update)
            else:
                _captured(order, payment, update)
        elif update.kind == UpdateKind.FAILED:
            _failed(order, payment, update)
        elif update.kind == UpdateKind.LINK_EXPIRED:
            _move(payment, Payment.Status.EXPIRED, reason="The payment link expired.")
        elif update.kind in (UpdateKind.REFUND_PROCESSED, UpdateKind.REFUND_FAILED):
            apply_refund_update(order, payment, update)
        else:
            raise ValidationError(
                f"Unknown update kind '{update.kind}'.", details={"field": "kind"}
            )


def _reference(update: GatewayUpdate) -> str:
    return update.gateway_payment_id or update.event_id


def _move(payment: Payment, status: str, *, reason: str = "") -> bool:
    """Move the payment's status only upward; True when it moved."""
    if _RANK[status] <= _RANK[payment.status]:
        return False
    payment.status = status
    fields = ["status", "updated_at"]
    if reason:
        payment.failure_reason = reason[:300]
        fields.append("failure_reason")
    payment.save(update_fields=fields)
    return True


def _mismatch(order: Order, payment: Payment, update: GatewayUpdate) -> bool:
    """Amount or currency not what the payment asked for: record, alert, change nothing."""
    if update.amount == payment.amount and update.currency.upper() == payment.currency:
        return False
    row = record_transaction(
        order=order,
        payment=payment,
        kind=Kind.MISMATCH,
        amount=max(int(update.amount), 0),
        currency=update.currency.upper(),
        gateway=update.gateway,
        reference=f"{update.kind}:{_reference(update)}",
        raw=update.raw,
    )
    if row is not None:
        emit(
            PaymentMismatch(
                number=order.number,
                payment_id=payment.pk,
                expected=Amount(amount=payment.amount, currency=payment.currency),
                received=Amount(amount=update.amount, currency=update.currency),
                kind=update.kind,
            ),
            aggregate=order,
        )
    return True


def _remember_gateway_payment(payment: Payment, update: GatewayUpdate) -> None:
    if update.gateway_payment_id and not payment.gateway_payment_id:
        payment.gateway_payment_id = update.gateway_payment_id[:100]
        payment.save(update_fields=["gateway_payment_id", "updated_at"])


def _authorized(order: Order, payment: Payment, update: GatewayUpdate) -> None:
    record_transaction(
        order=order,
        payment=payment,
        kind=Kind.AUTHORIZATION,
        amount=update.amount,
        currency=payment.currency,
        gateway=update.gateway,
        reference=_reference(update),
        raw=update.raw,
    )
    _remember_gateway_payment(payment, update)
    _move(payment, Payment.Status.AUTHORIZED)


def _captured(order: Order, payment: Payment, update: GatewayUpdate) -> None:
    row = record_transaction(
        order=order,
        payment=payment,
        kind=Kind.CAPTURE,
        amount=update.amount,
        currency=payment.currency,
        gateway=update.gateway,
        reference=_reference(update),
        raw=update.raw,
    )
    _remember_gateway_payment(payment, update)
    _move(payment, Payment.Status.CAPTURED)
    if row is None:
        return
    refresh_payment_status(order)
    emit(
        PaymentCaptured(
            number=order.number,
            payment_id=payment.pk,
            purpose=payment.purpose,
            amount=update.amount,
            currency=payment.currency,
            gateway=update.gateway,
            gateway_payment_id=update.gateway_payment_id or "",
        ),
        aggregate=order,
    )
    # A payment for a cancelled order: orders revives it (when the store allows and the
    # stock is there) or answers "refund"; the refund goes to the gateway after commit.
    revive = order.status == Order.Status.CANCELLED and get_settings().revive_late_paid_orders
    outcome = lifecycle.payment_captured(order=order, amount=update.amount, revive=revive)
    if outcome.outcome in ("refund", "revived"):
        entry = late.record(order=order, payment=payment, outcome=outcome)
        if entry.refund_id:
            transaction.on_commit(partial(tasks.enqueue_late_refund, entry.refund_id))


def _failed(order: Order, payment: Payment, update: GatewayUpdate) -> None:
    reason = update.failure_reason or "The payment did not go through."
    row = record_transaction(
        order=order,
        payment=payment,
        kind=Kind.FAILURE,
        amount=max(int(update.amount), 0),
        currency=payment.currency,
        gateway=update.gateway,
        reference=_reference(update),
        raw=update.raw,
    )
    if row is None or not _move(payment, Payment.Status.FAILED, reason=reason):
        return  # a replay, or a late failure after authorization/capture: a fact, no effect
    refresh_payment_status(order)
    emit(
        PaymentFailed(number=order.number, payment_id=payment.pk, reason=reason),
        aggregate=order,
    )
    if payment.purpose != Payment.Purpose.LINK:
        lifecycle.payment_failed(order=order, reason=reason)
