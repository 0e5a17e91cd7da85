"""In Chromium: fulfilment staff take a cash-on-delivery order from confirmed to delivered
on its page (processing, packed, a shipment with courier and AWB, shipped, out for
delivery, delivered), and the customer's tracking page follows each step, at 390 px (no
sideways scroll) and 1440 px."""

from __future__ import annotations

import pytest

from tests.checkout.helpers import make_location, make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.browser


def _tracked(page, token: str, width: int) -> str:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/track/{token}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    return page.get_by_test_id("track-status").inner_text()


def test_an_order_goes_from_confirmed_to_delivered_and_the_customer_follows(signed_in_page, page):
    variant = make_variant(price="899.00", stock=5, location=make_location(), title="Ikat Stole")
    order = make_order(variant, quantity=2, payment_type="cod", status="confirmed")
    staff = signed_in_page("fulfilment")
    staff.set_viewport_size({"width": 390, "height": 844})
    staff.goto(f"/dashboard/orders/{order.number}/")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    assert _tracked(page, order.token, 390) == "Order received"

    staff.get_by_role("button", name="Mark processing").click()
    staff.wait_for_load_state()
    assert _tracked(page, order.token, 1440) == "Being prepared"
    staff.get_by_role("button", name="Mark packed").click()
    staff.wait_for_load_state()
    assert staff.get_by_role("button", name="Mark packed").count() == 0

    form = staff.locator("#create-shipment")
    form.get_by_label("Courier").select_option("delhivery")
    form.get_by_label("Tracking number (AWB)").fill("12345")  # the wrong shape first
    form.get_by_role("button", name="Create shipment").click()
    staff.wait_for_load_state()
    assert "not a Delhivery tracking number" in staff.locator(".flash").first.inner_text()
    form = staff.locator("#create-shipment")
    form.get_by_label("Courier").select_option("delhivery")
    form.get_by_label("Tracking number (AWB)").fill("28930410062451")
    form.get_by_role("button", name="Create shipment").click()
    staff.wait_for_load_state()
    assert "created" in staff.locator(".flash").first.inner_text()

    for button, customer_reads in (
        ("Mark shipped", "Shipped"),
        ("Out for delivery", "Out for delivery"),
        ("Mark delivered", "Delivered"),
    ):
        staff.get_by_role("button", name=button).click()
        staff.wait_for_load_state()
        for width in (390, 1440):
            assert _tracked(page, order.token, width) == customer_reads
    link = page.get_by_role("button", name="Track on Delhivery")  # a link styled as one
    assert link.get_attribute("href").endswith("/package/28930410062451")
    assert page.locator('[data-state="upcoming"]').count() == 0
    timeline = staff.locator("#timeline").inner_text()
    assert "Moved from out for delivery to delivered" in timeline
