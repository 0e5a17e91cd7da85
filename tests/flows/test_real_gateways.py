"""Prepaid through Razorpay (INR) and Stripe (USD), against the local protocol servers:
checkout opens the gateway order/intent, the signed webhook confirms the order."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from haat.gateways.models import WebhookEvent
from haat.orders.models import Order
from haat.payments.models import Payment, PaymentTransaction
from tests.checkout.helpers import available, make_variant, on_hand
from tests.flows.helpers import place, settle
from tests.gateways.conftest import (
    razorpay_event,
    razorpay_headers,
    stripe_event,
    stripe_headers,
)

pytestmark = pytest.mark.django_db


def _rzp_webhook(body: bytes, **kw):
    return Client().post(
        "/webhooks/razorpay", body, content_type="application/json", **razorpay_headers(body, **kw)
    )


def test_razorpay_prepaid_confirmed_by_signed_webhook(store_api, warehouse, razorpay):
    variant = make_variant(price="799.00", stock=4, location=warehouse)
    _, r = place(store_api, variant, "prepaid", return_url="https://shop.example.in/thanks")
    assert r.status_code == 201, r.content
    payment = r.json()["payment"]
    assert payment["gateway"] == "razorpay" and payment["redirect_url"] == ""
    data = payment["client_data"]
    assert data["amount"] == 79900 and data["currency"] == "INR"
    assert data["order_id"] in razorpay.orders
    assert razorpay.orders[data["order_id"]]["receipt"] == r.json()["number"]

    paid = razorpay.add_payment(data["order_id"])
    body = razorpay_event("payment.captured", payment=paid)
    assert _rzp_webhook(body, event_id="evt_rzp_1").status_code == 200
    settle()
    order = Order.objects.get(token=r.json()["token"])
    assert order.status == "confirmed" and order.payment_status == "paid"
    assert on_hand(variant) == 3
    # The same delivery again changes nothing.
    assert _rzp_webhook(body, event_id="evt_rzp_1").json()["status"] == "duplicate"
    settle()
    assert PaymentTransaction.objects.filter(order=order, kind="capture").count() == 1


def test_razorpay_failure_releases_the_stock(store_api, warehouse, razorpay):
    variant = make_variant(price="799.00", stock=1, location=warehouse)
    _, r = place(store_api, variant, "prepaid")
    gateway_order = r.json()["payment"]["client_data"]["order_id"]
    failed = razorpay.add_payment(gateway_order, status="failed")
    failed["error_description"] = "Payment was declined by the bank."
    _rzp_webhook(razorpay_event("payment.failed", payment=failed), event_id="evt_rzp_f")
    settle()
    order = Order.objects.get(token=r.json()["token"])
    assert order.status == "payment_failed"
    assert order.cancel_reason == "Payment was declined by the bank."
    assert available(variant) == 1


def test_stripe_usd_prepaid_confirmed_by_signed_webhook(store_api, warehouse, stripe, currencies):
    currencies("USD")
    variant = make_variant(
        price="799.00", currency_prices={"USD": "12.50"}, stock=3, location=warehouse
    )
    _, r = place(store_api, variant, "prepaid", currency="USD")
    assert r.status_code == 201, r.content
    payment = r.json()["payment"]
    assert payment["gateway"] == "stripe" and payment["client_data"]["client_secret"]
    intent_id = Payment.objects.get().gateway_order_id
    assert stripe.intents[intent_id]["amount"] == 1250
    intent = stripe.succeed(intent_id)
    body = stripe_event("payment_intent.succeeded", intent)
    response = Client().post(
        "/webhooks/stripe", body, content_type="application/json", **stripe_headers(body)
    )
    assert response.status_code == 200, response.content
    settle()
    order = Order.objects.get(token=r.json()["token"])
    assert order.status == "confirmed" and order.payment_status == "paid"
    assert order.currency_id == "USD" and order.amount_paid == 1250


def test_forged_razorpay_callback_changes_nothing_and_is_recorded(store_api, warehouse, razorpay):
    variant = make_variant(price="799.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "prepaid")
    gateway_order = r.json()["payment"]["client_data"]["order_id"]
    paid = razorpay.add_payment(gateway_order)
    body = razorpay_event("payment.captured", payment=paid)
    forged = _rzp_webhook(body, secret="not-the-webhook-secret", event_id="evt_forged")
    assert forged.status_code == 400
    settle()
    order = Order.objects.get(token=r.json()["token"])
    assert order.status == "pending_payment" and order.amount_paid == 0
    assert not PaymentTransaction.objects.exists()
    rejected = WebhookEvent.objects.get()
    assert rejected.status == "rejected" and not rejected.signature_valid


@pytest.mark.parametrize(
    "change", [{"amount": 100}, {"currency": "USD"}], ids=["amount", "currency"]
)
def test_mismatched_amount_or_currency_changes_nothing_and_is_recorded(
    store_api, warehouse, razorpay, change
):
    variant = make_variant(price="799.00", stock=2, location=warehouse)
    _, r = place(store_api, variant, "prepaid")
    gateway_order = r.json()["payment"]["client_data"]["order_id"]
    paid = {**razorpay.add_payment(gateway_order), **change}
    _rzp_webhook(razorpay_event("payment.captured", payment=paid), event_id="evt_mm")
    settle()
    order = Order.objects.get(token=r.json()["token"])
    assert order.status == "pending_payment" and order.amount_paid == 0
    assert available(variant) == 1  # still held for the real payment
    row = PaymentTransaction.objects.get()
    assert row.kind == "mismatch"
    assert json.loads(json.dumps(row.raw))  # the gateway's payload is kept
