"""Background work of the payments context: sending late payments' refunds to their
gateway outside any transaction (`late`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from haat.core.periodic import periodic
from haat.payments import late

logger = logging.getLogger(__name__)


@task()
def send_late_refund(refund_id: int) -> str:
    """Ask the gateway to refund a late payment (enqueued when its refund commits)."""
    refund = late.send(refund_id=refund_id)
    return refund.status if refund else "missing"


def enqueue_late_refund(refund_id: int) -> None:
    """Never raises: the refund is stored, and the sweep sends it if this enqueue is lost."""
    try:
        send_late_refund.enqueue(refund_id)
    except Exception:
        logger.exception("Could not enqueue late refund %s; the sweep will send it", refund_id)


@periodic(every=timedelta(minutes=5), name="payments.resend_late_refunds")
@task()
def resend_late_refunds() -> int:
    """Send late refunds whose enqueue was lost or whose gateway did not answer."""
    ids = late.unsent(now=timezone.now())
    for refund_id in ids:
        late.send(refund_id=refund_id)
    return len(ids)
