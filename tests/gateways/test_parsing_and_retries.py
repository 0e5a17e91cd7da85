"""Webhook payloads → GatewayUpdates for every mapped event; the retry sweep; concurrent
deliveries of one event on real parallel connections."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haat.gateways import razorpay_events, stripe
from haat.gateways.inbox import store_event
from haat.gateways.models import WebhookEvent
from haat.gateways.processing import process_event
from haat.gateways.tasks import retry_due
from haat.gateways.types import UpdateKind
from tests.gateways.conftest import razorpay_event, razorpay_headers, stripe_event

PAYMENT = {"id": "pay_1", "order_id": "order_1", "amount": 29900, "currency": "INR"}


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("payment.authorized", UpdateKind.AUTHORIZED),
        ("payment.captured", UpdateKind.CAPTURED),
        ("payment.failed", UpdateKind.FAILED),
        ("order.paid", UpdateKind.CAPTURED),
    ],
)
def test_razorpay_payment_events(event, kind):
    [update] = razorpay_events.parse_webhook(razorpay_event(event, payment=PAYMENT), "evt_1")
    assert (update.kind, update.gateway_order_id, update.gateway_payment_id) == (
        kind,
        "order_1",
        "pay_1",
    )
    assert (update.amount, update.currency, update.event_id) == (29900, "INR", "evt_1")


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("refund.processed", UpdateKind.REFUND_PROCESSED),
        ("refund.failed", UpdateKind.REFUND_FAILED),
    ],
)
def test_razorpay_refund_events(event, kind):
    refund = {"id": "rfnd_1", "payment_id": "pay_1", "amount": 5000, "currency": "INR"}
    body = razorpay_event(event, refund=refund, payment=PAYMENT)
    [update] = razorpay_events.parse_webhook(body, "evt_2")
    assert (update.kind, update.gateway_refund_id, update.amount) == (kind, "rfnd_1", 5000)
    assert update.gateway_order_id == "order_1"


@pytest.mark.parametrize(
    ("event", "kind", "reason"),
    [
        ("payment_link.paid", UpdateKind.LINK_PAID, ""),
        ("payment_link.expired", UpdateKind.LINK_EXPIRED, "expired"),
        ("payment_link.cancelled", UpdateKind.LINK_EXPIRED, "cancelled"),
    ],
)
def test_razorpay_link_events_use_the_link_id(event, kind, reason):
    link = {"id": "plink_1", "amount": 29900, "amount_paid": 29900, "currency": "INR"}
    payload = {"payment_link": link}
    if kind == UpdateKind.LINK_PAID:
        payload["payment"] = PAYMENT
    [update] = razorpay_events.parse_webhook(razorpay_event(event, **payload), "evt_3")
    assert (update.kind, update.gateway_order_id, update.amount) == (kind, "plink_1", 29900)
    assert reason in update.failure_reason


@pytest.mark.django_db  # Stripe units depend on the Currency rows' places
@pytest.mark.parametrize(
    ("event", "obj", "kind", "amount"),
    [
        (
            "payment_intent.succeeded",
            {"id": "pi_1", "amount": 1234, "amount_received": 1234, "currency": "kwd"},
            UpdateKind.CAPTURED,
            1234,
        ),
        (
            "payment_intent.payment_failed",
            {"id": "pi_1", "amount": 50000, "currency": "isk"},
            UpdateKind.FAILED,
            500,
        ),
        (
            "payment_intent.canceled",
            {"id": "pi_1", "amount": 900, "currency": "jpy", "cancellation_reason": "abandoned"},
            UpdateKind.FAILED,
            900,
        ),
    ],
)
def test_stripe_intent_events_convert_units(event, obj, kind, amount):
    [update] = stripe.parse_webhook(stripe_event(event, obj), "evt_s")
    assert (update.kind, update.gateway_order_id, update.amount) == (kind, "pi_1", amount)
    assert update.currency == obj["currency"].upper()


@pytest.mark.django_db  # Stripe units depend on the Currency rows' places
def test_stripe_refund_events():
    charge = {
        "id": "ch_1",
        "payment_intent": "pi_1",
        "currency": "usd",
        "refunds": {"data": [{"id": "re_1", "amount": 500, "status": "succeeded"}]},
    }
    [done] = stripe.parse_webhook(stripe_event("charge.refunded", charge), "evt_r")
    assert (done.kind, done.gateway_refund_id, done.gateway_order_id, done.amount) == (
        UpdateKind.REFUND_PROCESSED,
        "re_1",
        "pi_1",
        500,
    )
    failed = {"id": "re_2", "payment_intent": "pi_1", "amount": 300, "currency": "usd"}
    [update] = stripe.parse_webhook(
        stripe_event(
            "refund.updated", {**failed, "status": "failed", "failure_reason": "lost_card"}
        ),
        "evt_f",
    )
    assert (update.kind, update.failure_reason) == (UpdateKind.REFUND_FAILED, "lost_card")
    pending = stripe_event("refund.updated", {**failed, "status": "pending"})
    assert stripe.parse_webhook(pending, "evt_p") == []


@pytest.mark.django_db
def test_sweep_reenqueues_lost_and_failed_events_with_backoff():
    body = stripe_event(
        "payment_intent.succeeded", {"id": "pi_lost", "amount": 100, "currency": "usd"}
    )
    lost, _ = store_event(
        gateway="stripe", event_id="evt_lost", event_type="x", headers={}, body=body
    )
    failed, _ = store_event(
        gateway="stripe", event_id="evt_f", event_type="x", headers={}, body=body
    )
    now = timezone.now() + timedelta(minutes=2)
    WebhookEvent.objects.filter(pk=failed.pk).update(
        status="failed", attempts=2, processed_at=timezone.now()
    )
    assert retry_due(now=now) == 1  # the failed one waits 2**2 minutes
    assert retry_due(now=now + timedelta(minutes=3)) == 2
    WebhookEvent.objects.filter(pk=failed.pk).update(attempts=5)
    assert retry_due(now=now + timedelta(hours=2)) == 1  # gave up after 5 attempts
    assert DBTaskResult.objects.count() == 4
    assert process_event(lost.pk) == "ignored"  # no payment "pi_lost"
    assert process_event(lost.pk) == "ignored"


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_parallel_deliveries_of_one_event_store_it_once(razorpay):
    body = razorpay_event("payment.captured", payment=PAYMENT)
    headers = razorpay_headers(body, event_id="evt_parallel")
    answers: list[int] = []
    start = threading.Barrier(6)

    def deliver() -> None:
        try:
            start.wait()
            response = Client().post(
                "/webhooks/razorpay", data=body, content_type="application/json", **headers
            )
            answers.append(response.json()["status"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == ["duplicate"] * 5 + ["stored"]
    assert WebhookEvent.objects.filter(signature_valid=True).count() == 1
    assert DBTaskResult.objects.count() == 1
