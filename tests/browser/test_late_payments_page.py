"""In Chromium: a late payment whose refund has not reached the gateway is listed under
Sales → Late payments with a badge; staff retry it and it leaves the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from haat.gateways.processing import process_event
from haat.gateways.testgateway import payment_event
from haat.orders import lifecycle
from haat.payments.models import Refund
from haat.payments.services import start_online_payment
from tests.checkout.helpers import make_location, make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.browser


def test_staff_retry_a_late_refund_from_the_list(signed_in_page, settings):
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    variant = make_variant(price="1299.00", stock=5, location=make_location(), title="Ikat Saree")
    order = make_order(variant, unit_amount=129900, pay_by=timezone.now() + timedelta(minutes=15))
    payment, _ = start_online_payment(order=order, purpose="full", return_url="/thanks")
    order.refresh_from_db()
    lifecycle.expire_order(order_id=order.pk, now=order.pay_by + timedelta(seconds=1))
    process_event(payment_event(payment=payment, succeed=True).pk)  # no worker sends it
    assert Refund.objects.get(order=order).status == "pending"

    page = signed_in_page("owner")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/dashboard/late-payments/")
    card = page.get_by_test_id("late-payment")
    assert order.number in card.inner_text()
    assert "has not reached the test gateway yet" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1440, "height": 900})
    nav = page.get_by_role("link", name="Late payments")
    assert nav.get_attribute("aria-current") == "page" and "1" in nav.inner_text()

    card.get_by_role("button", name="Retry refund").click()
    page.wait_for_load_state()
    assert "Refund of ₹1,299.00 processed." in page.locator(".flash").first.inner_text()
    assert "Nothing needs you" in page.content()
    page.goto(f"/dashboard/orders/{order.number}/")
    notice = page.get_by_test_id("money-notice").inner_text()
    assert notice == (
        "Payment of ₹1,299.00 arrived after the order was cancelled; refunded automatically."
    )
