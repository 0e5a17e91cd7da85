"""Late payments: money captured for an order that cannot take it, typically a slow UPI
payment that arrives after the order was cancelled for not being paid in time.

Orders decides what the money does to the order (`orders.lifecycle.payment_captured`:
revived when the store allows it and the stock is still there, else "refund"); payments
keeps the `LatePayment` row and gives the money back:

- `record` runs in the capture's transaction, under the order lock, only for the first
  ledger row of a capture (a replayed webhook never gets here), and the row is UNIQUE per
  payment. It opens a gateway refund of exactly that payment with the idempotency key
  `late-payment-<payment id>`.
- `send` asks the gateway after commit (the `payments.send_late_refund` task, and the
  periodic `payments.resend_late_refunds` sweep for a lost enqueue or a gateway that did
  not answer). Every resend carries the refund's own gateway idempotency key, so the
  gateway refunds once however often it is asked.
- A refund the gateway refused stays on the "Late payments" page (`selectors.
  needs_attention`) until staff `retry` it (a new refund, key `late-payment-<id>-<n>`)
  or `mark_handled` (e.g. refunded by bank transfer).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from haat.core.audit import record_audit
from haat.core.context import current_actor
from haat.core.errors import Conflict, DomainError, NotFound
from haat.orders import lifecycle
from haat.orders.lifecycle import CaptureOutcome
from haat.orders.models import Order
from haat.payments.error_codes import PaymentError
from haat.payments.ledger import refundable_amount
from haat.payments.models import LatePayment, Payment, Refund
from haat.payments.refunds import open_refund, send_unanswered

logger = logging.getLogger(__name__)

RESEND_AFTER = timedelta(minutes=2)  # give the task queue a head start before the sweep
RESEND_FOR = timedelta(days=1)  # then staff take over from the Late payments page


def record(*, order: Order, payment: Payment, outcome: CaptureOutcome) -> LatePayment:
    """The late payment of `payment`, and its refund unless the order was revived. Call
    under the order lock, in the capture's transaction."""
    revived = outcome.outcome == "revived"
    late = LatePayment.objects.create(
        order=order,
        payment=payment,
        amount=payment.amount,
        currency=payment.currency,
        outcome=LatePayment.Outcome.REVIVED if revived else LatePayment.Outcome.REFUND,
        why=(outcome.why or "arrived after the order was cancelled")[:200],
    )
    record_audit(
        action="payments.late_payment",
        obj=order,
        changes={"payment": payment.pk, "amount": payment.amount, "outcome": late.outcome},
    )
    if not revived:
        _open(order, late)
    return late


def _open(order: Order, late: LatePayment) -> Refund | None:
    """A new gateway refund of the late payment (what is still refundable of it)."""
    amount = min(late.amount, refundable_amount(order))
    if amount <= 0:  # staff refunded it another way meanwhile
        return None
    late.attempts += 1
    key = f"late-payment-{late.payment_id}"
    late.refund = open_refund(
        order=order,
        payment=late.payment,
        amount=amount,
        method=Refund.Method.GATEWAY,
        reason=f"Payment {late.why}; refunded automatically",
        idempotency_key=key if late.attempts == 1 else f"{key}-{late.attempts}",
    )
    late.save(update_fields=["refund", "attempts"])
    return late.refund


def send(*, refund_id: int) -> Refund | None:
    """Ask the gateway for a late payment's refund that it has not answered yet. Never
    raises for the gateway: its error is kept on the refund (`failure_reason`) for the
    sweep and for staff."""
    refund = Refund.objects.select_related("payment").filter(pk=refund_id).first()
    if refund is None:
        return None
    try:
        return send_unanswered(refund)
    except DomainError as exc:
        logger.warning("Late refund %s not sent: %s", refund_id, exc.message)
        return refund


def unsent(*, now: datetime) -> list[int]:
    """Late refunds the gateway has not answered, old enough for the task to have run and
    young enough to keep trying on our own."""
    return list(
        LatePayment.objects.filter(
            handled_at__isnull=True,
            refund__status=Refund.Status.PENDING,
            refund__gateway_refund_id="",
            refund__created_at__lte=now - RESEND_AFTER,
            refund__created_at__gte=now - RESEND_FOR,
        )
        .order_by("id")
        .values_list("refund_id", flat=True)[:100]
    )


def _get(late_id: int) -> LatePayment:
    late = LatePayment.objects.select_related("refund", "order").filter(pk=late_id).first()
    if late is None:
        raise _not_found(late_id)
    return late


def _not_found(late_id: int) -> NotFound:
    return NotFound(
        f"Late payment {late_id} does not exist.",
        code=PaymentError.LATE_PAYMENT_NOT_FOUND,
        details={"late_payment": late_id},
    )


def retry(*, late_id: int) -> Refund:
    """Staff: send again a refund the gateway never answered, or open a new one after the
    gateway refused. Raises the gateway's DomainError so staff read why."""
    late = _get(late_id)
    refund = late.refund
    if refund is not None and refund.status == Refund.Status.PENDING:
        if refund.gateway_refund_id:
            raise _nothing_to_retry(late, "the gateway has it and will confirm it")
        return send_unanswered(refund)
    if late.outcome != LatePayment.Outcome.REFUND or (
        refund is not None and refund.status != Refund.Status.FAILED
    ):
        raise _nothing_to_retry(late, "it is settled")
    with transaction.atomic():
        order = lifecycle.lock(late.order_id)
        locked = LatePayment.objects.select_for_update().select_related("payment").get(pk=late.pk)
        # Another click may have opened one meanwhile: then that one is sent.
        new = locked.refund if locked.refund_id != late.refund_id else _open(order, locked)
        if new is None:
            raise _nothing_to_retry(late, "nothing is left to refund on it")
    return send_unanswered(new)


def _nothing_to_retry(late: LatePayment, why: str) -> Conflict:
    return Conflict(
        f"The late payment on {late.order.number} has nothing to retry: {why}.",
        code=PaymentError.NOTHING_TO_RETRY,
        details={"late_payment": late.pk},
    )


def mark_handled(*, late_id: int) -> LatePayment:
    """Staff dealt with it (told the customer of a revived order, refunded by hand): it
    leaves the Late payments list."""
    with transaction.atomic():
        late = LatePayment.objects.select_for_update().filter(pk=late_id).first()
        if late is None:
            raise _not_found(late_id)
        if late.handled_at is None:
            late.handled_at = timezone.now()
            late.handled_by_label = current_actor().label[:255]
            late.save(update_fields=["handled_at", "handled_by_label"])
            record_audit(
                action="payments.late_payment_handled",
                obj=late.order,
                changes={"late_payment": late.pk, "outcome": late.outcome},
            )
    return late
