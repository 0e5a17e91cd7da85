"""Two deliveries of one late capture racing (Razorpay sends `payment.captured` and
`order.paid`, and retries), then the refund task racing the sweep: real threads, each with
its own database connection (tests/concurrency.py). Exactly one refund, one ledger row,
one message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from haat.core.models import OutboxEvent
from haat.gateways.models import WebhookEvent
from haat.gateways.processing import process_event
from haat.gateways.testgateway import payment_event
from haat.orders import lifecycle
from haat.payments import late
from haat.payments.models import LatePayment, PaymentTransaction, Refund
from haat.payments.services import start_online_payment
from tests.checkout.helpers import make_location, make_variant
from tests.concurrency import run_concurrently, thread_budget
from tests.payments.helpers import make_order
from tests.payments.test_late_payments import _replayed_capture

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_racing_deliveries_of_a_late_capture_refund_exactly_once():
    make_location("main", priority=10)
    variant = make_variant(price="1299.00", stock=5)
    order = make_order(variant, unit_amount=129900, pay_by=timezone.now() + timedelta(minutes=15))
    payment, _ = start_online_payment(
        order=order, purpose="full", return_url="https://shop.example.in/thanks"
    )
    order.refresh_from_db()
    assert lifecycle.expire_order(order_id=order.pk, now=order.pay_by + timedelta(seconds=1))
    events = [payment_event(payment=payment, succeed=True).pk]
    events += [_replayed_capture(payment, f"testevt_race_{i}").pk for i in range(5)]

    threads = thread_budget(len(events))
    results = run_concurrently([lambda pk=pk: process_event(pk) for pk in events], threads)
    assert results == ["processed"] * len(events), results

    assert LatePayment.objects.filter(order=order).count() == 1
    refund = Refund.objects.get(order=order)
    assert refund.status == "pending"
    captures = PaymentTransaction.objects.filter(order=order, kind="capture").count()
    assert captures == 1

    # The refund task, the sweep and a staff click, all at once.
    sends = [lambda: late.send(refund_id=refund.pk) for _ in range(4)]
    run_concurrently(sends, thread_budget(len(sends)))
    refund.refresh_from_db()
    assert refund.status == "processed"
    assert PaymentTransaction.objects.filter(order=order, kind="refund").count() == 1
    assert WebhookEvent.objects.filter(event_type="refund.processed").count() == 1
    assert OutboxEvent.objects.filter(event_type="payment.late_refunded").count() == 1
    order.refresh_from_db()
    assert (order.amount_paid, order.amount_refunded, order.payment_status) == (
        129900,
        129900,
        "refunded",
    )
