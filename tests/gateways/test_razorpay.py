"""The Razorpay adapter against a local server speaking Razorpay's API."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

import pytest
from django.utils import timezone

from haat.core.errors import ValidationError
from haat.core.money import Money
from haat.gateways.adapters import get_gateway
from haat.gateways.errors import GatewayError, GatewayUnavailable, InvalidSignature
from haat.gateways.types import GatewayUpdate, UpdateKind
from haat.payments.models import Payment, Refund
from haat.payments.refunds import refund_order
from haat.payments.services import apply_gateway_update, start_online_payment
from tests.gateways.conftest import RZP_KEY_ID, RZP_KEY_SECRET, make_order

pytestmark = pytest.mark.django_db

RETURN_URL = "https://shop.example.in/thanks"


def _start(order):
    return start_online_payment(order=order, purpose="full", return_url=RETURN_URL)


def test_checkout_creates_an_order_in_paise_with_receipt_and_basic_auth(razorpay):
    order = make_order(unit_amount=29900, quantity=2)
    payment, checkout = _start(order)
    assert payment.gateway == "razorpay" and checkout.gateway == "razorpay"
    [call] = razorpay.calls("POST", "/v1/orders")
    assert call.body["amount"] == 59800 and call.body["currency"] == "INR"
    assert call.body["receipt"] == order.number
    assert call.body["notes"]["haat_payment"] == str(payment.pk)
    token = base64.b64encode(f"{RZP_KEY_ID}:{RZP_KEY_SECRET}".encode()).decode()
    assert call.headers["Authorization"] == f"Basic {token}"
    assert checkout.gateway_order_id in razorpay.orders
    assert checkout.client_data["key"] == RZP_KEY_ID
    assert checkout.client_data["order_id"] == checkout.gateway_order_id
    assert RZP_KEY_SECRET not in str(checkout.client_data)
    payment.refresh_from_db()
    assert payment.gateway_order_id == checkout.gateway_order_id


def test_lost_create_is_found_by_receipt_not_created_twice(razorpay):
    razorpay.script("POST /v1/orders", "lost")
    order = make_order()
    _payment, checkout = _start(order)
    assert len(razorpay.orders) == 1
    assert checkout.gateway_order_id == next(iter(razorpay.orders))
    assert len(razorpay.calls("POST", "/v1/orders")) == 1
    [lookup] = razorpay.calls("GET", "/v1/orders")
    assert lookup.query == {"receipt": order.number}


def test_5xx_without_an_order_is_retried_once(razorpay):
    razorpay.script("POST /v1/orders", "500")
    _payment, checkout = _start(make_order())
    assert len(razorpay.calls("POST", "/v1/orders")) == 2
    assert len(razorpay.calls("GET", "/v1/orders")) == 1
    assert list(razorpay.orders) == [checkout.gateway_order_id]


def test_gateway_down_is_a_503_domain_error_and_the_payment_fails(razorpay):
    razorpay.script("POST /v1/orders", "500", "500")
    order = make_order()
    with pytest.raises(GatewayUnavailable) as err:
        _start(order)
    assert err.value.http_status == 503 and err.value.code == "gateway_unavailable"
    assert RZP_KEY_SECRET not in err.value.message
    assert Payment.objects.get(order=order).status == Payment.Status.FAILED
    assert razorpay.orders == {}


def test_bad_credentials_are_a_502_with_razorpays_message_and_no_secret(razorpay, settings):
    settings.HAAT_RAZORPAY_KEY_SECRET = "wrong-secret-value"
    with pytest.raises(GatewayError) as err:
        _start(make_order())
    assert err.value.http_status == 502 and err.value.code == "gateway_error"
    assert "Authentication failed" in err.value.message
    assert "wrong-secret-value" not in err.value.message + str(err.value.details)


def test_amount_below_one_rupee_is_refused_before_calling(razorpay):
    with pytest.raises(ValidationError) as err:
        _start(make_order(unit_amount=50))
    assert err.value.details["field"] == "amount"
    assert razorpay.requests == []


def _signature(order_id: str, payment_id: str) -> str:
    message = f"{order_id}|{payment_id}".encode()
    return hmac.new(RZP_KEY_SECRET.encode(), message, hashlib.sha256).hexdigest()


def test_checkout_signature_is_checked_against_the_stored_order_id(razorpay):
    payment, checkout = _start(make_order())
    paid = razorpay.add_payment(checkout.gateway_order_id)
    gateway = get_gateway("razorpay")
    params = {
        "razorpay_order_id": checkout.gateway_order_id,
        "razorpay_payment_id": paid["id"],
        "razorpay_signature": _signature(checkout.gateway_order_id, paid["id"]),
    }
    update = gateway.checkout_update(payment=payment, params=params)
    assert (update.kind, update.amount, update.gateway_payment_id) == (
        UpdateKind.CAPTURED,
        payment.amount,
        paid["id"],
    )
    # A signature valid for another (attacker's) order does not pass for this payment.
    other = razorpay._create_order({"amount": 100, "currency": "INR", "receipt": "x"})
    forged = {
        **params,
        "razorpay_order_id": other["id"],
        "razorpay_signature": _signature(other["id"], paid["id"]),
    }
    with pytest.raises(InvalidSignature):
        gateway.checkout_update(payment=payment, params=forged)


def _captured(payment: Payment, razorpay) -> dict:
    paid = razorpay.add_payment(payment.gateway_order_id)
    apply_gateway_update(
        GatewayUpdate(
            gateway="razorpay",
            kind=UpdateKind.CAPTURED,
            gateway_order_id=payment.gateway_order_id,
            gateway_payment_id=paid["id"],
            amount=paid["amount"],
            currency="INR",
            event_id="evt_capture",
        )
    )
    return paid


def test_refund_sends_the_idempotency_header_and_a_retry_refunds_once(razorpay):
    order = make_order()
    payment, _ = _start(order)
    paid = _captured(payment, razorpay)
    razorpay.script("POST /v1/payments/{id}/refund", "lost")
    with pytest.raises(GatewayUnavailable):
        # lost twice in a row (first attempt + the adapter's own retry) → still pending
        razorpay.script("POST /v1/payments/{id}/refund", "lost")
        refund_order(
            order=order, amount=Money(10000, "INR"), reason="Damaged", idempotency_key="rf-1"
        )
    refund = refund_order(
        order=order, amount=Money(10000, "INR"), reason="Damaged", idempotency_key="rf-1"
    )
    assert refund.status == Refund.Status.PROCESSED
    calls = razorpay.calls("POST", f"/v1/payments/{paid['id']}/refund")
    assert len(calls) == 3
    keys = {c.headers["X-Refund-Idempotency"] for c in calls}
    assert len(keys) == 1 and len(keys.pop()) >= 10
    assert calls[0].body["amount"] == 10000 and calls[0].body["speed"] == "normal"
    assert razorpay.payments[paid["id"]]["amount_refunded"] == 10000  # once, not three times


def test_payment_link_uses_a_unique_reference_and_survives_a_lost_answer(razorpay):
    order = make_order()
    payment, _ = _start(order)
    razorpay.script("POST /v1/payment_links", "lost")
    expire_by = timezone.now() + timedelta(hours=48)
    link = get_gateway("razorpay").create_link(
        payment=payment,
        order=order,
        expire_by=expire_by,
        callback_url="https://shop.example.in/paid",
    )
    assert len(razorpay.links) == 1
    stored = razorpay.links[link.link_id]
    assert stored["reference_id"] == f"{order.number}-{payment.pk}"
    assert stored["expire_by"] == int(expire_by.timestamp()) and stored["callback_method"] == "get"
    assert link.url.startswith("https://rzp.io/i/")


def test_payment_link_callback_signature(razorpay):
    payment, _ = _start(make_order())
    payment.gateway_order_id = "plink_ExjpAUN3gVHrPJ"
    params = {
        "razorpay_payment_id": "pay_Fjbjbx5Vs2ZBkB",
        "razorpay_payment_link_id": "plink_ExjpAUN3gVHrPJ",
        "razorpay_payment_link_reference_id": "HT-10001-1",
        "razorpay_payment_link_status": "paid",
    }
    message = b"plink_ExjpAUN3gVHrPJ|HT-10001-1|paid|pay_Fjbjbx5Vs2ZBkB"
    params["razorpay_signature"] = hmac.new(
        RZP_KEY_SECRET.encode(), message, hashlib.sha256
    ).hexdigest()
    gateway = get_gateway("razorpay")
    gateway.verify_link_callback(payment=payment, params=params)
    with pytest.raises(InvalidSignature):
        gateway.verify_link_callback(
            payment=payment, params={**params, "razorpay_payment_link_status": "expired"}
        )
