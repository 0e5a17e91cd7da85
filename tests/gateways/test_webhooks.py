"""Webhook endpoints: signatures over the raw body, storage before processing, replays,
out-of-order delivery, and processing through `apply_gateway_update`."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from haat.gateways.models import WebhookEvent
from haat.gateways.services import save_account
from haat.orders.models import Order
from haat.payments.models import Payment, PaymentTransaction
from haat.payments.services import start_online_payment
from tests.gateways.conftest import (
    drain,
    make_order,
    razorpay_event,
    razorpay_headers,
    stripe_event,
    stripe_headers,
)

pytestmark = pytest.mark.django_db
RZP_URL = "/webhooks/razorpay"
STRIPE_URL = "/webhooks/stripe"


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)  # webhooks must not need a CSRF token


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(url: str, body: bytes, headers: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data=body, content_type="application/json", **headers)

    return send


@pytest.fixture
def rzp_payment(razorpay):
    order = make_order(unit_amount=29900)
    payment, _ = start_online_payment(order=order, purpose="full", return_url="/thanks")
    return payment


def _payment_entity(
    payment: Payment,
    *,
    status: str = "captured",
    amount: int | None = None,
    pay_id: str = "pay_29QQoUBi66xm2f",
) -> dict:
    return {
        "id": pay_id,
        "entity": "payment",
        "amount": payment.amount if amount is None else amount,
        "currency": "INR",
        "status": status,
        "order_id": payment.gateway_order_id,
        "method": "upi",
        "error_description": "Payment declined by bank" if status == "failed" else None,
        "created_at": int(time.time()),
    }


def _captures(payment: Payment) -> int:
    return PaymentTransaction.objects.filter(payment=payment, kind="capture").count()


def test_captured_webhook_is_stored_then_processed_by_the_task(post, rzp_payment):
    body = razorpay_event("payment.captured", payment=_payment_entity(rzp_payment))
    response = post(RZP_URL, body, razorpay_headers(body, event_id="evt_cap_1"))
    assert response.status_code == 200 and response.json()["status"] == "stored"
    event = WebhookEvent.objects.get()
    assert (event.gateway, event.event_id, event.status) == ("razorpay", "evt_cap_1", "received")
    assert bytes(event.body) == body and event.signature_valid
    rzp_payment.refresh_from_db()
    assert rzp_payment.status == Payment.Status.PENDING  # nothing applied inside the request
    assert drain() == 1
    event.refresh_from_db()
    rzp_payment.refresh_from_db()
    assert event.status == "processed" and event.processed_at is not None
    assert rzp_payment.status == Payment.Status.CAPTURED
    assert rzp_payment.order.status == Order.Status.CONFIRMED
    assert _captures(rzp_payment) == 1


def test_replayed_ten_times_has_one_effect(post, rzp_payment):
    body = razorpay_event("payment.captured", payment=_payment_entity(rzp_payment))
    headers = razorpay_headers(body, event_id="evt_replay")
    answers = [post(RZP_URL, body, headers).json()["status"] for _ in range(10)]
    assert answers == ["stored"] + ["duplicate"] * 9
    assert WebhookEvent.objects.count() == 1 and drain() == 1
    # order.paid for the same payment (another event id) still counts once
    paid = razorpay_event(
        "order.paid",
        payment=_payment_entity(rzp_payment),
        order={"id": rzp_payment.gateway_order_id},
    )
    post(RZP_URL, paid, razorpay_headers(paid, event_id="evt_order_paid"))
    drain()
    rzp_payment.order.refresh_from_db()
    assert _captures(rzp_payment) == 1
    assert rzp_payment.order.amount_paid == rzp_payment.amount


def test_out_of_order_authorized_and_failed_after_captured_change_nothing(post, rzp_payment):
    for event_id, name, status in [
        ("evt_1", "payment.captured", "captured"),
        ("evt_2", "payment.authorized", "authorized"),
        ("evt_3", "payment.failed", "failed"),
    ]:
        body = razorpay_event(name, payment=_payment_entity(rzp_payment, status=status))
        assert post(RZP_URL, body, razorpay_headers(body, event_id=event_id)).status_code == 200
    assert drain() == 3
    rzp_payment.refresh_from_db()
    assert rzp_payment.status == Payment.Status.CAPTURED
    assert rzp_payment.order.status == Order.Status.CONFIRMED


def test_failed_payment_fails_the_order_with_the_banks_reason(post, rzp_payment):
    body = razorpay_event("payment.failed", payment=_payment_entity(rzp_payment, status="failed"))
    post(RZP_URL, body, razorpay_headers(body, event_id="evt_fail"))
    drain()
    rzp_payment.refresh_from_db()
    assert rzp_payment.status == Payment.Status.FAILED
    assert "declined" in rzp_payment.failure_reason


@pytest.mark.parametrize(
    "tamper",
    ["body", "wrong_secret", "missing_header"],
)
def test_bad_razorpay_signature_is_400_recorded_and_not_processed(post, rzp_payment, tamper):
    body = razorpay_event("payment.captured", payment=_payment_entity(rzp_payment))
    headers = razorpay_headers(body, event_id="evt_bad")
    if tamper == "body":
        body = body.replace(b'"captured"', b'"captured" ', 1)
    elif tamper == "wrong_secret":
        headers = razorpay_headers(body, secret="not-the-secret", event_id="evt_bad")
    else:
        headers.pop("HTTP_X_RAZORPAY_SIGNATURE")
    response = post(RZP_URL, body, headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signature"
    event = WebhookEvent.objects.get()
    assert event.status == "rejected" and not event.signature_valid
    assert not DBTaskResult.objects.exists()
    # the real delivery with the same id is still accepted afterwards
    good = razorpay_event("payment.captured", payment=_payment_entity(rzp_payment))
    assert (
        post(RZP_URL, good, razorpay_headers(good, event_id="evt_bad")).json()["status"] == "stored"
    )


def test_previous_webhook_secret_still_verifies_after_rotation(post, db):
    save_account(
        gateway="razorpay",
        key_id="rzp_test_abc",
        secret="k-secret",
        webhook_secret="old-hook-secret",
    )
    save_account(gateway="razorpay", webhook_secret="new-hook-secret")
    body = razorpay_event(
        "payment.captured",
        payment={"id": "pay_x", "order_id": "order_x", "amount": 100, "currency": "INR"},
    )
    assert (
        post(
            RZP_URL, body, razorpay_headers(body, secret="old-hook-secret", event_id="e1")
        ).status_code
        == 200
    )
    assert (
        post(
            RZP_URL, body, razorpay_headers(body, secret="new-hook-secret", event_id="e2")
        ).status_code
        == 200
    )
    assert (
        post(
            RZP_URL, body, razorpay_headers(body, secret="older-secret", event_id="e3")
        ).status_code
        == 400
    )


def test_unknown_payment_is_200_stored_and_ignored(post, razorpay):
    body = razorpay_event(
        "payment.captured",
        payment={
            "id": "pay_zz",
            "order_id": "order_notours",
            "amount": 500,
            "currency": "INR",
            "status": "captured",
        },
    )
    assert post(RZP_URL, body, razorpay_headers(body, event_id="evt_unknown")).status_code == 200
    drain()
    event = WebhookEvent.objects.get()
    assert event.status == "ignored" and "order_notours" in event.error


def test_event_types_haat_does_not_use_are_ignored(post, razorpay):
    body = razorpay_event("payment.dispute.created", payment={"id": "pay_1"})
    assert post(RZP_URL, body, razorpay_headers(body, event_id="evt_dispute")).status_code == 200
    drain()
    assert WebhookEvent.objects.get().status == "ignored"


def test_webhooks_accept_post_only(client, razorpay):
    assert client.get(RZP_URL).status_code == 405
    assert client.get(STRIPE_URL).status_code == 405


# --- Stripe ---------------------------------------------------------------------------------
@pytest.fixture
def jpy_intent(stripe, currencies):
    currencies("JPY")
    order = make_order(currency="JPY", unit_amount=4500)
    payment, _checkout = start_online_payment(order=order, purpose="full", return_url="/ok")
    return payment


def _intent(payment: Payment, **fields) -> dict:
    return {
        "id": payment.gateway_order_id,
        "object": "payment_intent",
        "amount": 4500,
        "amount_received": 4500,
        "currency": "jpy",
        "latest_charge": "ch_3MtwBwLkdIwHu7ix28a3tqPa",
        **fields,
    }


def test_stripe_succeeded_captures_in_haat_units(post, jpy_intent):
    body = stripe_event("payment_intent.succeeded", _intent(jpy_intent))
    assert post(STRIPE_URL, body, stripe_headers(body)).status_code == 200
    drain()
    jpy_intent.refresh_from_db()
    assert jpy_intent.status == Payment.Status.CAPTURED
    assert jpy_intent.order.amount_paid == 4500


def test_stripe_any_matching_v1_is_accepted(post, jpy_intent):
    body = stripe_event("payment_intent.succeeded", _intent(jpy_intent))
    headers = stripe_headers(body, extra="v1=" + "0" * 64 + ",")
    assert post(STRIPE_URL, body, headers).status_code == 200


@pytest.mark.parametrize("problem", ["stale", "tampered", "wrong_secret", "missing", "malformed"])
def test_stripe_bad_signatures_are_400(post, jpy_intent, problem):
    body = stripe_event("payment_intent.succeeded", _intent(jpy_intent))
    headers = stripe_headers(body)
    if problem == "stale":
        headers = stripe_headers(body, timestamp=int(time.time()) - 301)
    elif problem == "tampered":
        body = body.replace(b"4500", b"4501")
    elif problem == "wrong_secret":
        headers = stripe_headers(body, secret="whsec_other")
    elif problem == "missing":
        headers = {}
    else:
        headers = {"HTTP_STRIPE_SIGNATURE": "v1=abc"}
    response = post(STRIPE_URL, body, headers)
    assert response.status_code == 400
    if problem == "stale":
        assert response.json()["error"]["code"] == "stale_signature"
    assert WebhookEvent.objects.get().status == "rejected"
    jpy_intent.refresh_from_db()
    assert jpy_intent.status == Payment.Status.PENDING


def test_stripe_payment_failed_then_late_success_replay_by_id(post, jpy_intent):
    failed = stripe_event(
        "payment_intent.payment_failed",
        _intent(
            jpy_intent, amount_received=0, last_payment_error={"message": "Your card was declined."}
        ),
        event_id="evt_failed_1",
    )
    post(STRIPE_URL, failed, stripe_headers(failed))
    post(STRIPE_URL, failed, stripe_headers(failed))
    assert WebhookEvent.objects.filter(signature_valid=True).count() == 1
    drain()
    jpy_intent.refresh_from_db()
    assert jpy_intent.status == Payment.Status.FAILED
    assert jpy_intent.failure_reason == "Your card was declined."
    assert json.loads(bytes(WebhookEvent.objects.get().body))["id"] == "evt_failed_1"
