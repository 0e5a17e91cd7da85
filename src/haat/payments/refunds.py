"""Refunds: never more than was paid, once per idempotency key, through the original
gateway (with a deterministic gateway idempotency key) or recorded as a manual bank/UPI
transfer (how COD money goes back).

The Refund row is written first, under the order's row lock: it reserves the amount, so
two concurrent refunds cannot together exceed what was paid. The gateway is called after
that transaction commits; a timeout leaves the refund pending, and calling again with the
same key resends the same request (same gateway idempotency key).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from haat.core.audit import record_audit
from haat.core.context import current_actor
from haat.core.error_codes import CoreError
from haat.core.errors import Conflict, DomainError, ValidationError
from haat.core.money import Money
from haat.core.outbox import emit
from haat.gateways.adapters import get_gateway
from haat.gateways.errors import GatewayError
from haat.gateways.types import GatewayRefundResult, GatewayUpdate, UpdateKind
from haat.orders import lifecycle
from haat.orders.models import Order, OrderLine
from haat.payments.error_codes import PaymentError
from haat.payments.events import PaymentLateRefunded, RefundCreated, RefundProcessed
from haat.payments.ledger import record_transaction, refresh_payment_status, refundable_amount
from haat.payments.models import LatePayment, Payment, PaymentTransaction, Refund

MANUAL_GATEWAY = "manual"


def _clean_lines(order: Order, lines: list[tuple[int, int]]) -> tuple[int, list[dict]]:
    """Refunded lines → (amount, JSON rows); quantities within what is left to refund."""
    ids = [line_id for line_id, _ in lines]
    if len(set(ids)) != len(ids):
        raise ValidationError("Each line may appear once.", details={"field": "lines"})
    found = {line.pk: line for line in OrderLine.objects.filter(order_id=order.pk, pk__in=ids)}
    done: dict[int, int] = defaultdict(int)
    for previous in Refund.objects.filter(order_id=order.pk).exclude(status=Refund.Status.FAILED):
        for row in previous.lines:
            done[int(row["line_id"])] += int(row["quantity"])
    amount, rows = 0, []
    for i, (line_id, qty) in enumerate(lines):
        line = found.get(line_id)
        if line is None:
            raise ValidationError(
                f"Line {line_id} is not part of order {order.number}.",
                details={"field": f"lines[{i}].line_id"},
            )
        left = line.quantity - done[line_id]
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= left:
            raise ValidationError(
                f"Quantity for {line.sku} must be between 1 and {left}.",
                details={"field": f"lines[{i}].quantity"},
            )
        amount += line.unit_amount * qty
        rows.append({"line_id": line_id, "sku": line.sku, "quantity": qty})
    return amount, rows


def _pick_payment(order: Order, amount: int) -> Payment:
    """The latest captured online payment with `amount` still refundable on it."""
    captured = list(
        Payment.objects.filter(order_id=order.pk, status=Payment.Status.CAPTURED)
        .annotate(
            refunded=Coalesce(
                Sum("refunds__amount", filter=~Q(refunds__status=Refund.Status.FAILED)), 0
            ),
        )
        .order_by("-id")
    )
    for payment in captured:
        if payment.amount - payment.refunded >= amount:
            return payment
    most = max((p.amount - p.refunded for p in captured), default=0)
    raise Conflict(
        f"At most {Money(most, order.currency_id)} can go back through the gateway in one "
        "refund; refund cash-on-delivery money by bank transfer or UPI with a reference.",
        code=PaymentError.REFUND_METHOD_UNAVAILABLE,
        details={"field": "method", "gateway_refundable": most},
    )


def refund_order(
    *,
    order: Order,
    amount: Money | None = None,
    lines: list[tuple[int, int]] | None = None,
    reason: str,
    idempotency_key: str,
    method: str = Refund.Method.GATEWAY,
    reference: str = "",
) -> Refund:
    """Refund `amount` (or the listed lines, or everything refundable). A key seen before
    returns that Refund (retrying its gateway call if it never got an answer)."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 255:
        raise ValidationError(
            "An idempotency key (1-255 characters) is required.",
            details={"field": "idempotency_key"},
        )
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _replay(existing, order)
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 300:
        raise ValidationError(
            "A reason (up to 300 characters) is required.", details={"field": "reason"}
        )
    if method not in Refund.Method.values:
        raise ValidationError(
            f"The refund method must be one of {', '.join(Refund.Method.values)}.",
            details={"field": "method"},
        )
    reference = (reference or "").strip()
    if method != Refund.Method.GATEWAY and not reference:
        raise ValidationError(
            "A bank or UPI reference is required for a manual refund.",
            details={"field": "reference"},
        )
    if len(reference) > 120:
        raise ValidationError(
            "The reference must be at most 120 characters.", details={"field": "reference"}
        )
    if amount is not None and (amount.currency != order.currency_id or amount.amount <= 0):
        raise ValidationError(
            f"The amount must be above zero, in {order.currency_id}.", details={"field": "amount"}
        )
    try:
        with transaction.atomic():
            locked = lifecycle.lock(order.pk)
            line_amount, line_rows = _clean_lines(locked, lines) if lines else (0, [])
            refundable = refundable_amount(locked)
            value = amount.amount if amount is not None else line_amount or refundable
            if value <= 0 or value > refundable:
                raise Conflict(
                    f"At most {Money(refundable, locked.currency_id)} can be refunded on "
                    f"{locked.number}.",
                    code=PaymentError.REFUND_EXCEEDS_PAID,
                    details={"field": "amount", "refundable": refundable, "requested": value},
                )
            payment = _pick_payment(locked, value) if method == Refund.Method.GATEWAY else None
            refund = open_refund(
                order=locked,
                payment=payment,
                amount=value,
                method=method,
                reason=reason,
                idempotency_key=key,
                reference=reference,
                lines=line_rows,
            )
    except IntegrityError:
        existing = Refund.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _replay(existing, order)
    if payment is not None:
        _send(refund)
        refund.refresh_from_db()
    return refund


def open_refund(
    *,
    order: Order,
    payment: Payment | None,
    amount: int,
    method: str,
    reason: str,
    idempotency_key: str,
    reference: str = "",
    lines: list[dict] | None = None,
) -> Refund:
    """Write the Refund row (it reserves the amount), its event and audit entry, under the
    order's lock held by the caller; a manual refund is recorded as processed at once.
    The gateway is asked later, after commit (`send`)."""
    actor = current_actor()
    refund = Refund.objects.create(
        order=order,
        payment=payment,
        amount=amount,
        currency=order.currency_id,
        method=method,
        status=Refund.Status.PENDING if payment else Refund.Status.MANUAL,
        reference=reference,
        reason=reason[:300],
        lines=lines or [],
        idempotency_key=idempotency_key,
        created_by=actor.user if getattr(actor.user, "pk", None) else None,
        created_by_label=actor.label[:255],
    )
    emit(
        RefundCreated(
            number=order.number, refund_id=refund.pk, amount=amount, currency=refund.currency
        ),
        aggregate=order,
    )
    record_audit(
        action="payments.refund",
        obj=order,
        changes={"refund": refund.pk, "amount": amount, "method": method, "reason": reason},
    )
    if payment is None:
        _processed(order, refund, gateway=MANUAL_GATEWAY, reference=f"refund:{refund.pk}")
    return refund


def send_unanswered(refund: Refund) -> Refund:
    """Ask the gateway for a pending refund it never answered (same gateway idempotency
    key, so a refund the gateway did make is not made twice); returns it as it now is."""
    if refund.status == Refund.Status.PENDING and not refund.gateway_refund_id and refund.payment:
        _send(refund)
        refund.refresh_from_db()
    return refund


def _replay(refund: Refund, order: Order) -> Refund:
    if refund.order_id != order.pk:  # a different request under the key: 422, as Stripe
        raise ValidationError(
            "This idempotency key was used for another order's refund.",
            code=CoreError.IDEMPOTENCY_KEY_REUSED,
            details={"field": "idempotency_key"},
        )
    return send_unanswered(refund)


def _send(refund: Refund) -> None:
    """Ask the payment's gateway to refund; a 4xx answer fails the refund (the amount is
    free again), no answer leaves it pending for a retry with the same key."""
    payment = refund.payment
    try:
        result = get_gateway(payment.gateway).refund(refund=refund, payment=payment)
    except GatewayError as exc:
        result = GatewayRefundResult(
            gateway_refund_id="", status="failed", raw={"error": exc.message}
        )
    except DomainError as exc:
        Refund.objects.filter(pk=refund.pk).update(failure_reason=exc.message[:300])
        raise
    with transaction.atomic():
        order = lifecycle.lock(refund.order_id)
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if result.gateway_refund_id and not locked.gateway_refund_id:
            locked.gateway_refund_id = result.gateway_refund_id[:100]
            locked.save(update_fields=["gateway_refund_id"])
        if result.status == "processed":
            _processed(order, locked, gateway=payment.gateway, reference=result.gateway_refund_id)
        elif result.status == "failed" and locked.status == Refund.Status.PENDING:
            locked.status = Refund.Status.FAILED
            locked.failure_reason = str(result.raw.get("error") or "Refused by the gateway")[:300]
            locked.save(update_fields=["status", "failure_reason"])


def _processed(order: Order, refund: Refund, *, gateway: str, reference: str) -> None:
    """Ledger row + refund status + event; idempotent through the ledger's reference."""
    row = record_transaction(
        order=order,
        payment=refund.payment,
        kind=PaymentTransaction.Kind.REFUND,
        amount=refund.amount,
        currency=refund.currency,
        gateway=gateway,
        reference=reference or f"refund:{refund.pk}",
        raw={"refund_id": refund.pk},
    )
    if refund.status == Refund.Status.PENDING:
        refund.status = Refund.Status.PROCESSED
    refund.processed_at = refund.processed_at or timezone.now()
    refund.save(update_fields=["status", "processed_at"])
    if row is not None:
        refresh_payment_status(order)
        emit(
            RefundProcessed(
                number=order.number,
                refund_id=refund.pk,
                amount=refund.amount,
                currency=refund.currency,
                method=refund.method,
                external=False,
            ),
            aggregate=order,
        )
        _late_refunded(order, refund)


def _late_refunded(order: Order, refund: Refund) -> None:
    """The money of a late payment is back: `payment.late_refunded` for the shopper's
    message (once: only the first ledger row of the refund gets here)."""
    late = LatePayment.objects.filter(refund=refund).only("why").first()
    if late is None:
        return
    emit(
        PaymentLateRefunded(
            number=order.number,
            token=order.token,
            email=order.email,
            phone=order.phone,
            amount=refund.amount,
            currency=refund.currency,
            gateway=refund.payment.gateway if refund.payment else MANUAL_GATEWAY,
            refund_id=refund.pk,
            why=late.why,
        ),
        aggregate=order,
    )


def apply_refund_update(order: Order, payment: Payment, update: GatewayUpdate) -> None:
    """A refund webhook (already under the order lock, from apply_gateway_update)."""
    qs = Refund.objects.select_for_update().filter(payment=payment)
    refund = (
        qs.filter(gateway_refund_id=update.gateway_refund_id).first()
        if update.gateway_refund_id
        else None
    )
    if refund is None:  # the webhook beat our own bookkeeping of the gateway's answer
        refund = (
            qs.filter(status=Refund.Status.PENDING, gateway_refund_id="", amount=update.amount)
            .order_by("id")
            .first()
        )
    if update.kind == UpdateKind.REFUND_FAILED:
        if refund is not None and refund.status == Refund.Status.PENDING:
            refund.status = Refund.Status.FAILED
            refund.failure_reason = (update.failure_reason or "Refund failed at the gateway")[:300]
            refund.gateway_refund_id = refund.gateway_refund_id or update.gateway_refund_id[:100]
            refund.save(update_fields=["status", "failure_reason", "gateway_refund_id"])
        return
    if refund is not None:
        if update.gateway_refund_id and not refund.gateway_refund_id:
            refund.gateway_refund_id = update.gateway_refund_id[:100]
            refund.save(update_fields=["gateway_refund_id"])
        _processed(order, refund, gateway=update.gateway, reference=update.gateway_refund_id)
        return
    # A refund made in the gateway's own dashboard: the ledger still has to know.
    fits = update.currency.upper() == order.currency_id and (
        0 < update.amount <= order.amount_paid - order.amount_refunded
    )
    kind = PaymentTransaction.Kind.REFUND if fits else PaymentTransaction.Kind.MISMATCH
    row = record_transaction(
        order=order,
        payment=payment,
        kind=kind,
        amount=max(int(update.amount), 0),
        currency=update.currency.upper(),
        gateway=update.gateway,
        reference=update.gateway_refund_id or update.event_id,
        raw=update.raw,
    )
    if row is not None and fits:
        refresh_payment_status(order)
        emit(
            RefundProcessed(
                number=order.number,
                refund_id=None,
                amount=update.amount,
                currency=order.currency_id,
                method=Refund.Method.GATEWAY,
                external=True,
            ),
            aggregate=order,
        )
