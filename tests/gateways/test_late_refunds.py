"""A late Razorpay payment (a slow UPI payment after the order was cancelled) is refunded
through Razorpay's refund API, against the local protocol server: a lost answer leaves the
refund pending and listed for staff, and the sweep resends it under the same
`X-Refund-Idempotency` key, so Razorpay refunds once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haat.core.models import OutboxEvent
from haat.orders import lifecycle
from haat.orders.models import Order
from haat.payments import late, tasks
from haat.payments.models import LatePayment, Payment, Refund
from haat.payments.services import start_online_payment
from tests.gateways.conftest import drain, make_order, razorpay_event, razorpay_headers

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    client = Client()

    def send(body: bytes, event_id: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/webhooks/razorpay",
                data=body,
                content_type="application/json",
                **razorpay_headers(body, event_id=event_id),
            )

    return send


def _captured_body(payment: Payment, paid: dict) -> bytes:
    entity = {**paid, "status": "captured", "order_id": payment.gateway_order_id}
    return razorpay_event("payment.captured", payment=entity)


def _run_refund_tasks(django_capture_on_commit_callbacks) -> int:
    ran = 0
    for row in DBTaskResult.objects.filter(task_path=tasks.send_late_refund.module_path):
        row.delete()
        with django_capture_on_commit_callbacks(execute=True):
            tasks.send_late_refund.call(*row.args_kwargs["args"])
        ran += 1
    return ran


def test_a_lost_refund_answer_is_resent_by_the_sweep_and_razorpay_refunds_once(
    razorpay, post, staff_client, django_capture_on_commit_callbacks
):
    order = make_order(unit_amount=129900)
    payment, _ = start_online_payment(order=order, purpose="full", return_url="/thanks")
    lifecycle.cancel(order=order, note="Not paid in time")
    paid = razorpay.add_payment(payment.gateway_order_id)

    body = _captured_body(payment, paid)
    assert post(body, "evt_late_1").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the refund task is enqueued
        assert drain() == 1
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.amount) == ("pending", 129900)

    razorpay.script("POST /v1/payments/{id}/refund", "lost", "lost")  # attempt + retry
    assert _run_refund_tasks(django_capture_on_commit_callbacks) == 1
    refund.refresh_from_db()
    assert refund.status == "pending" and not refund.gateway_refund_id
    html = staff_client().get(reverse("payments:late_payments")).content.decode()
    assert order.number in html and "has not reached Razorpay yet" in html

    # Replayed capture webhooks (same event, and Razorpay's retry under another id).
    assert post(body, "evt_late_1").json()["status"] == "duplicate"
    post(body, "evt_late_2")
    assert drain() == 1
    assert Refund.objects.filter(order=order).count() == 1

    later = timezone.now() + late.RESEND_AFTER + timedelta(seconds=1)
    assert late.unsent(now=later) == [refund.pk]
    with django_capture_on_commit_callbacks(execute=True):
        for refund_id in late.unsent(now=later):
            late.send(refund_id=refund_id)
    refund.refresh_from_db()
    assert refund.gateway_refund_id.startswith("rfnd_")
    calls = razorpay.calls("POST", f"/v1/payments/{paid['id']}/refund")
    assert len(calls) == 3  # two lost, one answered: all with one idempotency key
    assert {c.headers["X-Refund-Idempotency"] for c in calls} == {f"haat-refund-{refund.pk}"}
    assert razorpay.payments[paid["id"]]["amount_refunded"] == 129900  # once
    assert late.unsent(now=later) == []

    # Razorpay then confirms it by webhook: the money is back, the shopper is told once.
    processed = razorpay_event(
        "refund.processed",
        refund={**razorpay.refunds[refund.gateway_refund_id], "status": "processed"},
        payment={**paid, "order_id": payment.gateway_order_id},
    )
    post(processed, "evt_refund_1")
    post(processed, "evt_refund_2")
    drain()
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == "processed"
    assert (order.status, order.payment_status) == (Order.Status.CANCELLED, "refunded")
    assert OutboxEvent.objects.filter(event_type="payment.late_refunded").count() == 1
    assert LatePayment.objects.get(order=order).refund_id == refund.pk
    html = staff_client().get(reverse("payments:late_payments")).content.decode()
    assert order.number not in html
