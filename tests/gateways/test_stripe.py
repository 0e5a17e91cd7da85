"""The Stripe adapter against a local server speaking Stripe's API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from haat.core.errors import Conflict, ValidationError
from haat.core.money import Money
from haat.gateways.adapters import get_gateway
from haat.gateways.errors import GatewayError
from haat.gateways.types import GatewayUpdate, UpdateKind
from haat.payments.models import Payment, Refund
from haat.payments.refunds import refund_order
from haat.payments.services import apply_gateway_update, start_online_payment
from tests.gateways.conftest import STRIPE_SECRET, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def usd_jpy_kwd(currencies):
    return currencies("USD", "JPY", "KWD", "ISK")


def _start(order):
    return start_online_payment(order=order, purpose="full", return_url="https://shop.example/ok")


@pytest.mark.parametrize(
    ("currency", "unit_amount", "sent_amount"),
    [("USD", 1999, "1999"), ("JPY", 1500, "1500"), ("KWD", 12340, "12340"), ("ISK", 500, "50000")],
)
def test_payment_intent_is_form_encoded_in_stripe_units(
    stripe, usd_jpy_kwd, currency, unit_amount, sent_amount
):
    order = make_order(currency=currency, unit_amount=unit_amount)
    payment, checkout = _start(order)
    assert payment.gateway == "stripe"
    [call] = stripe.calls("POST", "/v1/payment_intents")
    assert call.headers["Authorization"] == f"Bearer {STRIPE_SECRET}"
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert call.body["amount"] == sent_amount and call.body["currency"] == currency.lower()
    assert call.body["metadata[haat_order]"] == order.number
    assert call.body["metadata[haat_payment]"] == str(payment.pk)
    assert call.headers["Idempotency-Key"] == f"haat-payment-{payment.pk}-intent"
    assert checkout.gateway_order_id in stripe.intents
    assert checkout.client_data["client_secret"].startswith(checkout.gateway_order_id)


def test_kwd_amount_not_ending_in_zero_is_refused_without_calling_stripe(stripe, usd_jpy_kwd):
    order = make_order(currency="KWD", unit_amount=12345)
    with pytest.raises(ValidationError) as err:
        _start(order)
    assert err.value.code == "unsupported_amount" and "KWD" in err.value.message
    assert stripe.requests == []
    assert Payment.objects.get(order=order).status == Payment.Status.FAILED


def test_timeout_is_retried_with_the_same_key_and_creates_one_intent(stripe, usd_jpy_kwd):
    stripe.script("POST /v1/payment_intents", "lost")
    _payment, checkout = _start(make_order(currency="USD", unit_amount=2500))
    calls = stripe.calls("POST", "/v1/payment_intents")
    assert (
        len(calls) == 2
        and calls[0].headers["Idempotency-Key"] == calls[1].headers["Idempotency-Key"]
    )
    assert list(stripe.intents) == [checkout.gateway_order_id]


def test_stripe_error_message_is_passed_on_without_the_key(stripe, usd_jpy_kwd, settings):
    settings.HAAT_STRIPE_SECRET_KEY = "sk_test_wrong_key_0000"
    with pytest.raises(GatewayError) as err:
        _start(make_order(currency="USD"))
    assert "Invalid API Key provided" in err.value.message
    assert "sk_test_wrong_key_0000" not in err.value.message


def test_refund_uses_a_deterministic_idempotency_key_and_stripe_units(stripe, usd_jpy_kwd):
    order = make_order(currency="JPY", unit_amount=3000)
    _payment, checkout = _start(order)
    intent = stripe.succeed(checkout.gateway_order_id)
    apply_gateway_update(
        GatewayUpdate(
            gateway="stripe",
            kind=UpdateKind.CAPTURED,
            gateway_order_id=intent["id"],
            gateway_payment_id=intent["latest_charge"],
            amount=3000,
            currency="JPY",
            event_id="evt_1",
        )
    )
    refund = refund_order(
        order=order, amount=Money(1000, "JPY"), reason="Late", idempotency_key="k-1"
    )
    assert refund.status == Refund.Status.PROCESSED
    [call] = stripe.calls("POST", "/v1/refunds")
    assert call.body["payment_intent"] == intent["id"] and call.body["amount"] == "1000"
    assert call.body["reason"] == "requested_by_customer"
    assert call.headers["Idempotency-Key"] == f"haat-refund-{refund.pk}"


def test_stripe_links_are_not_offered(stripe, usd_jpy_kwd):
    order = make_order(currency="USD")
    payment, _ = _start(order)
    with pytest.raises(Conflict) as err:
        get_gateway("stripe").create_link(
            payment=payment,
            order=order,
            expire_by=timezone.now() + timedelta(days=1),
            callback_url="/x",
        )
    assert err.value.code == "links_not_supported"
