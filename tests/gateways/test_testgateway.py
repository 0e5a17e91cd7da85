"""The built-in test gateway: hosted TEST MODE page, signed events through the webhook
task, result page polling, immediate refunds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haat.core.money import Money
from haat.gateways import testgateway_events
from haat.gateways.errors import InvalidSignature
from haat.gateways.models import WebhookEvent
from haat.orders.models import Order
from haat.payments.models import Payment, PaymentTransaction, Refund
from haat.payments.refunds import refund_order
from haat.payments.services import start_online_payment
from tests.gateways.conftest import drain, make_order

pytestmark = pytest.mark.django_db
RETURN = "https://shop.example.in/orders/thanks"


@pytest.fixture
def started():
    order = make_order(unit_amount=29900)
    return start_online_payment(order=order, purpose="full", return_url=RETURN)


@pytest.fixture
def browser(django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)

    def post_form(url: str, data: dict):
        client.get(url)
        token = client.cookies["csrftoken"].value
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {**data, "csrfmiddlewaretoken": token})

    client.post_form = post_form
    return client


def test_checkout_points_at_the_hosted_page(started):
    payment, checkout = started
    assert checkout.gateway == "test" and checkout.gateway_order_id.startswith("test_")
    assert checkout.redirect_url.startswith(f"/pay/test/{payment.token}?return_url=https")
    assert len(payment.token) >= 24


def test_page_shows_test_mode_store_order_and_amount(browser, started, settings):
    payment, checkout = started
    page = browser.get(checkout.redirect_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "TEST MODE" in html and settings.HAAT_STORE_NAME in html
    assert payment.order.number in html and "₹299.00" in html
    assert "Pay successfully" in html and "Fail payment" in html


def test_post_without_csrf_token_is_refused(started):
    payment, _checkout = started
    response = Client(enforce_csrf_checks=True).post(
        f"/pay/test/{payment.token}", {"action": "pay"}
    )
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_an_unknown_action_is_refused_with_422_and_changes_nothing(browser, started):
    payment, checkout = started
    response = browser.post_form(checkout.redirect_url, {"action": "refund"})
    assert response.status_code == 422  # read, and a value refused (docs/api.md)
    assert "Pay successfully" in response.content.decode()
    assert not WebhookEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_pay_goes_through_the_webhook_task_then_the_result_page_stops_polling(browser, started):
    payment, checkout = started
    response = browser.post_form(checkout.redirect_url, {"action": "pay", "return_url": RETURN})
    assert response.status_code == 302
    result_url = response["Location"]
    assert result_url.startswith(f"/pay/test/{payment.token}/result")
    event = WebhookEvent.objects.get()
    assert (event.gateway, event.event_type, event.signature_valid) == (
        "test",
        "payment.captured",
        True,
    )
    testgateway_events.verify_webhook(
        bytes(event.body), event.headers[testgateway_events.SIGNATURE_HEADER]
    )
    waiting = browser.get(result_url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "Confirming" in waiting
    assert drain() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert payment.order.status == Order.Status.CONFIRMED
    done = browser.get(result_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "Payment received" in done and RETURN in done
    # a second click, from another tab, decides nothing
    again = browser.post_form(checkout.redirect_url, {"action": "fail"})
    assert again.status_code == 410 and "already been made" in again.content.decode()
    assert WebhookEvent.objects.count() == 1


def test_double_submit_before_processing_keeps_the_first_decision(browser, started):
    payment, checkout = started
    browser.post_form(checkout.redirect_url, {"action": "fail"})
    browser.post_form(checkout.redirect_url, {"action": "pay"})
    assert WebhookEvent.objects.count() == 1
    drain()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.order.status == Order.Status.PAYMENT_FAILED


def test_fail_marks_the_payment_failed(browser, started):
    payment, checkout = started
    browser.post_form(checkout.redirect_url, {"action": "fail"})
    drain()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED and payment.failure_reason
    page = browser.get(f"/pay/test/{payment.token}/result").content.decode()
    assert "did not go through" in page


def test_expired_unknown_and_foreign_payments_get_clear_pages(browser, started, settings):
    payment, checkout = started
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = browser.get(checkout.redirect_url)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert browser.get("/pay/test/not-a-real-token").status_code == 404
    settings.HAAT_TEST_GATEWAY_ENABLED = False
    assert browser.get(checkout.redirect_url).status_code == 404


def test_unsafe_return_url_is_dropped(browser, started):
    payment, _ = started
    page = browser.get(f"/pay/test/{payment.token}?return_url=javascript:alert(1)").content.decode()
    assert "javascript:" not in page


def test_tampered_test_event_fails_verification():
    body = testgateway_events.event_body(
        event_id="e",
        event_type="payment.captured",
        session_id="test_x",
        payment_id="p",
        amount=100,
        currency="INR",
    )
    signature = __import__("haat.gateways.crypto", fromlist=["x"]).sign_test_event(body)
    testgateway_events.verify_webhook(body, signature)
    with pytest.raises(InvalidSignature):
        testgateway_events.verify_webhook(body.replace(b"100", b"999"), signature)


def test_refund_is_processed_at_once_and_its_event_counts_once(
    browser, started, django_capture_on_commit_callbacks
):
    payment, checkout = started
    browser.post_form(checkout.redirect_url, {"action": "pay"})
    drain()
    order = Order.objects.get(pk=payment.order_id)
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_order(
            order=order, amount=Money(9900, "INR"), reason="Size", idempotency_key="t-1"
        )
    assert refund.status == Refund.Status.PROCESSED
    assert refund.gateway_refund_id == f"testrfnd_{refund.pk}"
    event = WebhookEvent.objects.get(event_type="refund.processed")
    assert drain() == 1
    event.refresh_from_db()
    assert event.status == "processed"
    order.refresh_from_db()
    assert order.amount_refunded == 9900
    assert PaymentTransaction.objects.filter(order=order, kind="refund").count() == 1
