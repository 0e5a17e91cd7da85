"""End to end in Chromium: a cart checked out through the storefront API, paid on the
test gateway's hosted page, ends as a confirmed, paid order in the dashboard."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from haat.accounts.api_keys import create_api_key
from haat.accounts.models import ApiKey
from haat.gateways.models import WebhookEvent
from haat.gateways.tasks import process_webhook_event
from haat.orders.models import Order
from tests.checkout.helpers import ADDRESS, make_location, make_variant, on_hand

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/haat-shots")


def _process_webhooks(timeout: float = 10.0) -> None:
    """Be the task worker: apply the signed event the click stored."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = list(
            WebhookEvent.objects.filter(status="received", signature_valid=True).values_list(
                "pk", flat=True
            )
        )
        if pending:
            for pk in pending:
                process_webhook_event.call(pk)
            return
        time.sleep(0.1)
    raise AssertionError("the payment click stored no webhook event")


def test_checkout_pay_on_hosted_page_then_paid_in_dashboard(
    page, signed_in_page, live_url, settings
):
    settings.HAAT_TEST_GATEWAY_ENABLED = True
    settings.HAAT_BASE_URL = live_url
    SHOTS.mkdir(parents=True, exist_ok=True)
    variant = make_variant(price="1499.00", stock=5, location=make_location(), title="Ikat Saree")
    key = create_api_key(name="storefront", kind=ApiKey.Kind.PUBLISHABLE).plaintext
    headers = {"X-Publishable-Key": key}

    cart = page.request.post(f"{live_url}/api/v1/store/carts", headers=headers, data={})
    assert cart.status == 201, cart.text()
    token = cart.json()["token"]
    line = page.request.post(
        f"{live_url}/api/v1/store/carts/{token}/lines",
        headers=headers,
        data={"variant_id": variant.pk, "quantity": 2},
    )
    assert line.status == 201, line.text()
    checkout = page.request.post(
        f"{live_url}/api/v1/store/carts/{token}/checkout",
        headers={**headers, "Idempotency-Key": "browser-1"},
        data={
            "email": "meera@example.in",
            "phone": "98450 12345",
            "shipping_address": ADDRESS,
            "payment_type": "prepaid",
        },
    )
    assert checkout.status == 201, checkout.text()
    body = checkout.json()
    assert body["status"] == "pending_payment"
    assert body["payment"]["amount"]["amount"] == 299800

    page.goto(body["payment"]["redirect_url"])
    page.get_by_text("TEST MODE").wait_for()
    page.get_by_text("₹2,998.00").wait_for()
    page.screenshot(path=SHOTS / "1-hosted-page.png", full_page=True)
    page.get_by_role("button", name="Pay successfully").click()
    page.wait_for_url("**/result**")
    _process_webhooks()
    page.get_by_text("Payment received.").wait_for()
    page.screenshot(path=SHOTS / "2-result.png", full_page=True)
    page.get_by_role("button", name="Back to the store").click()
    page.get_by_text("This order is paid").wait_for()

    order = Order.objects.get(token=body["token"])
    assert order.status == "confirmed" and order.payment_status == "paid"
    assert on_hand(variant) == 3

    staff = signed_in_page("owner")
    staff.goto("/dashboard/orders/")
    staff.get_by_role("link", name=order.number).click()
    staff.get_by_role("heading", name=f"Order {order.number}").wait_for()
    assert staff.locator("h1 .badge").inner_text() == "Confirmed"
    assert staff.get_by_test_id("payment-status").inner_text() == "Paid"
    assert staff.get_by_test_id("amount-paid").inner_text() == "₹2,998.00"
    assert staff.get_by_test_id("amount-balance").inner_text() == "₹0.00"
    assert staff.locator("#transactions").get_by_text("Capture").count() == 1
    staff.screenshot(path=SHOTS / "3-dashboard-order.png", full_page=True)
