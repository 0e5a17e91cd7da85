"""Payments' consumers of other contexts' events, run by the real outbox dispatcher."""

from __future__ import annotations

import pytest
from django.db import transaction

from haat.core.dispatch import dispatch_pending
from haat.core.models import OutboxDelivery
from haat.core.outbox import emit
from haat.orders.events import OrderCancelled
from haat.payments.consumers import CANCELLED
from haat.payments.models import Payment
from haat.payments.services import start_online_payment
from tests.checkout.helpers import make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.django_db


def test_a_cancelled_orders_open_payments_expire_once(warehouse):
    order = make_order(make_variant(price="1000.00", stock=10))
    open_payment, _ = start_online_payment(
        order=order, purpose="full", return_url="https://shop.example/thanks"
    )
    paid, _ = start_online_payment(
        order=order, purpose="full", return_url="https://shop.example/thanks"
    )
    Payment.objects.filter(pk=paid.pk).update(status=Payment.Status.CAPTURED)
    with transaction.atomic():
        event = emit(
            OrderCancelled(
                number=order.number, previous_status="pending_payment", reason="", note="By staff"
            ),
            aggregate=order,
        )

    dispatch_pending()  # this event and those of the setup (nobody else consumes them)
    event.refresh_from_db()
    assert event.dispatched_at is not None and event.attempts == 0
    open_payment.refresh_from_db()
    paid.refresh_from_db()
    assert (open_payment.status, open_payment.failure_reason) == ("expired", CANCELLED)
    assert paid.status == "captured"  # money that arrived is never expired
    # notifications consumes order.cancelled too (the customer's message)
    assert OutboxDelivery.objects.filter(
        event_id=event.pk, consumer="payments.expire_open"
    ).exists()
    assert dispatch_pending() == 0  # delivered once
