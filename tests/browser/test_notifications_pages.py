"""Messages in a real Chromium: edit a template with its live preview, place an order, see
the message with the new words and its status in the message log, at 1280 and 390 px."""

from __future__ import annotations

import pytest

from haat.core.dispatch import dispatch_pending
from haat.notifications.models import Template
from haat.notifications.sending import send_due
from haat.notifications.services import ensure_defaults
from tests.checkout.helpers import make_location, make_variant
from tests.payments.helpers import make_order

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_edit_a_template_then_see_the_message_it_wrote(signed_in_page, width):
    ensure_defaults()
    make_location("main", priority=10)
    template = Template.objects.get(key="order_placed", channel="email", language="en")
    page = signed_in_page("owner")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/dashboard/messages/templates/{template.pk}/")
    subject = page.get_by_label("Subject")
    subject.fill("Namaste {{ custmer_name }}")
    page.get_by_text("unknown variable: custmer_name").wait_for()  # live, nothing saved
    subject.fill("Namaste {{ customer_name }}, order {{ order_number }} is in")
    page.get_by_text("Subject: Namaste Asha Verma, order HT-10042 is in").wait_for()
    shown = page.locator("#preview iframe").get_attribute("srcdoc")
    assert "Indigo kurta (M) × 2: ₹2,598.00" in shown  # the sample order, in the layout
    page.get_by_role("button", name="Save template").click()
    page.get_by_text("Template saved (version 2).").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    order = make_order(make_variant(price="1299.00", stock=5))
    dispatch_pending()
    send_due()
    page.goto("/dashboard/messages/")
    subject = f"Namaste Asha, order {order.number} is in"
    row = page.locator("[data-testid=message-row]").filter(has_text=subject)
    row.wait_for()
    assert row.get_by_text("Sent").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    row.get_by_role("link").first.click()
    page.get_by_text("version 2").wait_for()
